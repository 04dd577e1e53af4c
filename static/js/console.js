/* Moderator console: live tallies, participation and positions; controls sent as socket events.
   Every control is also a plain form post, used when the socket is not connected. */
(function () {
  "use strict";
  var root = document.getElementById("console"), L = window.Live;
  if (!root || !L || !window.io) return;
  var h = L.h, code = root.getAttribute("data-code"), base = "/m/" + code + "/";
  var S = null;

  function ended() { return S.workshop.status === "ended"; }
  function status(text, cls) { return h("span", {cls: "status status-" + (cls || text), text: text}); }

  function promptCard(p) {
    var actions = h("div", {cls: "actions"});
    if (!ended()) {
      actions.appendChild(p.status === "open"
        ? L.form(base + "close", "close_prompt", {prompt_id: p.id}, [h("button", {type: "submit", cls: "secondary", text: "Close question " + p.order})])
        : L.form(base + "open", "open_prompt", {prompt_id: p.id}, [h("button", {type: "submit", text: (p.status === "closed" ? "Reopen" : "Open") + " question " + p.order})]));
    }
    actions.appendChild(L.form(base + "results", "show_results", {prompt_id: p.id, visible: p.results_visible ? "false" : "true"},
      [h("button", {type: "submit", cls: "secondary", text: (p.results_visible ? "Hide" : "Show") + " results"})]));
    var tally = h("div", {cls: "tally", "aria-live": "polite"});
    if (S.results[p.id]) tally.appendChild(L.results(S.results[p.id]));
    return h("article", {cls: "card prompt-card" + (p.status === "open" ? " is-open" : ""), id: "prompt-" + p.id,
      "data-prompt": p.id, "aria-labelledby": "prompt-" + p.id + "-h"}, [
      h("h3", {id: "prompt-" + p.id + "-h", text: p.order + ". " + p.text}),
      h("p", {cls: "meta"}, [status(p.status), " · " + (p.kind === "multiple" ? "several options" : "one option") +
        " · results " + (p.results_visible ? "shown" : "hidden") + " to participants"]),
      actions, tally]);
  }

  function renderAgenda() {
    var cards = document.getElementById("prompt-cards");
    L.preserving(cards, function () {
      cards.textContent = "";
      S.prompts.forEach(function (p) { cards.appendChild(promptCard(p)); });
    });
    var badge = document.getElementById("workshop-status");
    badge.textContent = S.workshop.status;
    badge.className = "status status-" + S.workshop.status;
    if (ended()) {
      var end = document.querySelector("#end details");
      if (end) end.replaceWith(h("p", {text: "The workshop has ended. You can still show or hide results."}));
    }
  }

  function renderTally(promptId) {
    var card = document.getElementById("prompt-" + promptId), tally = card && card.querySelector(".tally");
    if (!tally) return;
    tally.textContent = "";
    tally.appendChild(L.results(S.results[promptId]));
  }

  function renderParticipation() {
    var part = S.workshop.participants;
    ["total", "onsite", "online"].forEach(function (k) {
      var el = root.querySelector("[data-part=" + k + "]");
      if (el) el.textContent = part[k];
    });
    Object.keys(part.by_stakeholder_group).forEach(function (g) {
      var el = root.querySelector("[data-group=" + g + "]");
      if (el) el.textContent = part.by_stakeholder_group[g];
    });
  }

  function positionItem(p) {
    var prompt = S.prompts.filter(function (x) { return x.id === p.prompt_id; })[0];
    var option = prompt && prompt.options.filter(function (o) { return o.id === p.option_id; })[0];
    var li = h("li", {id: "position-" + p.id, cls: "position pos-" + p.status + (p.pinned ? " pinned" : "")}, [
      h("p", {cls: "text", text: p.text}),
      h("p", {cls: "meta"}, ["Q" + (prompt ? prompt.order : "?") + " · " + L.ATTENDANCE[p.attendance] +
        (p.stakeholder_group ? " · " + L.GROUPS[p.stakeholder_group] : "") + (option ? " · for “" + option.label + "”" : "") + " · ",
        status(p.status === "pending" ? "waiting for approval" : p.status, p.status),
        p.pinned && " · ", p.pinned && h("strong", {text: "pinned"})]),
      L.counts(p)]);
    if (!ended()) {
      var buttons = [];
      if (p.status !== "visible") buttons.push(["approve", "Approve", ""]);
      if (p.status !== "hidden") buttons.push(["hide", "Hide", "secondary"]);
      if (p.status === "visible") buttons.push(p.pinned ? ["unpin", "Unpin", "secondary"] : ["pin", "Pin", "secondary"]);
      li.appendChild(L.form(base + "moderate", "moderate_position", {position_id: p.id}, [
        h("label", {cls: "visually-hidden", "for": "reason-" + p.id, text: "Reason (optional)"}),
        h("input", {id: "reason-" + p.id, name: "reason", type: "text", placeholder: "Reason (optional)", maxlength: 500}),
        h("div", {cls: "actions"}, buttons.map(function (b) {
          return h("button", {type: "submit", name: "action", value: b[0], cls: b[2] || null, text: b[1]});
        }))], "moderate"));
    }
    return li;
  }

  function renderPositions() {
    var section = document.getElementById("positions"), ul = section.querySelector("ul");
    var items = S.positions.slice().sort(function (a, b) { return b.id - a.id; });
    document.getElementById("positions-count").textContent = "(" + items.length + ")";
    L.preserving(section, function () {
      ul.textContent = "";
      items.forEach(function (p) { ul.appendChild(positionItem(p)); });
      if (!items.length) ul.appendChild(h("li", {cls: "empty hint", text: "No positions yet."}));
    });
  }

  function renderAll() { renderAgenda(); renderParticipation(); renderPositions(); }

  function onPosition(p) { if (S) { L.upsert(S.positions, p); renderPositions(); } }

  var socket = L.connect({workshop: code}, {
    state: function (s) { S = s; renderAll(); },
    prompt_changed: function (p) {
      if (!S) return;
      L.applyPrompt(S, p);
      renderAgenda();
    },
    results: function (r) { if (S && L.keepLatest(S.results, r)) renderTally(r.prompt_id); },
    participation: function (part) { if (S) { S.workshop.participants = part; renderParticipation(); } },
    position_added: onPosition,
    position_changed: onPosition,
    workshop_changed: function (w) { if (S) { S.workshop.status = w.status; renderAll(); } }
  });

  L.takeOver(root, socket, {
    open_prompt: function (f) { return {prompt_id: +f.elements.prompt_id.value}; },
    close_prompt: function (f) { return {prompt_id: +f.elements.prompt_id.value}; },
    show_results: function (f) { return {prompt_id: +f.elements.prompt_id.value, visible: f.elements.visible.value === "true"}; },
    moderate_position: function (f, button) {
      var payload = {position_id: +f.elements.position_id.value, action: button ? button.value : "hide"};
      if (f.elements.reason.value.trim()) payload.reason = f.elements.reason.value.trim();
      return payload;
    },
    end_workshop: function (f) {
      if (!f.elements.confirm.checked) return "Tick the confirmation box to end the workshop.";
      return {};
    }
  }, function (name, ack, payload) {
    if (ack.ok) L.say({open_prompt: "Question opened.", close_prompt: "Question closed.",
      show_results: payload.visible ? "Results are shown." : "Results are hidden.",
      moderate_position: "Position updated.", end_workshop: "The workshop has ended."}[name]);
  });
})();
