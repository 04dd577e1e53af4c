/* Participant page, progressively enhanced: live updates, socket actions with acks, an outbox
   for actions made while the connection is down, and drafts kept per question on the phone.
   Without JavaScript (or when the server refuses the socket) every form still posts. */
(function () {
  "use strict";
  var app = document.getElementById("app"), L = window.Live;
  if (!app || !L || !window.io) return;
  var h = L.h, t = L.t, code = app.getAttribute("data-code"), live = document.getElementById("live");
  var max = +app.getAttribute("data-max"), pre = app.getAttribute("data-moderation") === "pre";
  var mine = {}, queuedVote = {}, outbox = new L.Outbox(code), draftsKey = "facilitator:drafts:" + code;
  JSON.parse(app.getAttribute("data-mine") || "[]").forEach(function (id) { mine[id] = true; });
  var S = null, first = true, resultsShownFor = null;

  function openPrompt() { return S && L.byId(S.prompts, S.open_prompt_id); }
  function key() { return S.workshop.status + "-" + (S.open_prompt_id || ""); }
  function isMine(p) { return mine[p.id] || p.status === "pending"; }
  function myVote(prompt) { return (queuedVote[prompt.id] || S.me.votes[prompt.id] || []).map(Number); }
  function named(el, id) { el.id = id; return el; }

  /* Drafts: {prompt_id: {text, option_id}} in localStorage, kept until the position is acknowledged. */
  function drafts() { return L.load(draftsKey, {}); }
  function saveDraft(promptId, text, optionId) {
    var all = drafts();
    if (text && text.trim()) all[promptId] = {text: text, option_id: optionId || ""};
    else delete all[promptId];
    L.store(draftsKey, Object.keys(all).length ? all : null);
  }

  function stage(prompt) {
    if (S.workshop.status === "ended") {
      return h("section", {cls: "notice stage", "aria-labelledby": "end-h"}, [
        h("h2", {id: "end-h", tabindex: "-1", text: t("The workshop has ended")}),
        h("p", {text: t("Thank you for taking part. Your votes and positions are recorded.")})]);
    }
    if (!prompt) {
      return h("section", {cls: "stage waiting", "aria-labelledby": "wait-h"}, [
        h("h2", {id: "wait-h", tabindex: "-1", text: t("Waiting for the moderator to open the next question")}),
        h("p", {cls: "hint", text: t("This page updates by itself.")})]);
    }
    var voted = myVote(prompt), multiple = prompt.kind === "multiple";
    var fieldset = h("fieldset", {}, [h("legend", {}, [t("Your vote") + " ",
      h("span", {cls: "hint", text: "(" + (multiple ? t("choose one or more") : t("choose one")) + ")"})])]);
    prompt.options.forEach(function (o) {
      fieldset.appendChild(h("label", {cls: "choice option"}, [h("input", {type: multiple ? "checkbox" : "radio",
        name: "option_ids", value: o.id, id: "option-" + o.id, checked: voted.indexOf(o.id) >= 0}), " ",
        L.userText("span", o.label)]));
    });
    return h("section", {id: "prompt", cls: "stage", "aria-labelledby": "q-h"}, [
      h("p", {cls: "meta", text: t("Question %(n)d of %(total)d", {n: prompt.order, total: S.prompts.length})}),
      L.userText("h2", prompt.text, {id: "q-h", cls: "question", tabindex: "-1"}),
      named(L.form("/j/" + code + "/vote", "cast_vote", {prompt_id: prompt.id}, [fieldset,
        h("p", {cls: "hint", id: "vote-state"}),
        h("button", {type: "submit", cls: "wide", id: "vote-submit"})], null), "vote")]);
  }

  function writeBox(prompt) {
    var select = h("select", {id: "position-option", name: "option_id"}, [h("option", {value: "", text: t("No particular option")})]);
    prompt.options.forEach(function (o) { select.appendChild(h("option", {value: o.id, text: o.label})); });
    var area = h("textarea", {id: "position-text", name: "text", maxlength: max, required: true, dir: "auto",
      "aria-describedby": "position-count"});
    return h("section", {id: "write", "aria-labelledby": "write-h"}, [h("h2", {id: "write-h", text: t("Your position")}),
      named(L.form("/j/" + code + "/position", "submit_position", {prompt_id: prompt.id, client_id: L.clientId()}, [
        h("div", {cls: "field"}, [h("label", {"for": "position-text", text: t("In a sentence or two, what is your position?")}),
          area, h("p", {cls: "hint", id: "position-count"})]),
        h("div", {cls: "field"}, [h("label", {"for": "position-option", text: t("It argues for (optional)")}), select]),
        h("button", {type: "submit", cls: "wide", id: "position-submit", text: t("Post my position")})], "stack"), "position")]);
  }

  function renderAll() {
    var prompt = openPrompt(), same = live.getAttribute("data-key") === key();
    if (!same) {
      var focusWasInside = live.contains(document.activeElement);
      if (!first) {
        var flashes = document.querySelector(".flashes");
        if (flashes) flashes.remove();
        L.say(S.workshop.status === "ended" ? t("The workshop has ended.") :
          prompt ? t("Question %(n)d is open.", {n: prompt.order}) : t("The question is closed."));
      }
      live.textContent = "";
      live.appendChild(stage(prompt));
      live.appendChild(h("section", {id: "results", "aria-labelledby": "results-h", hidden: true}));
      if (mapBox) live.appendChild(mapBox);  // the opinion map, when shown, right under the results
      if (prompt && S.workshop.status !== "ended") {
        live.appendChild(writeBox(prompt));
        live.appendChild(h("section", {id: "positions", "aria-labelledby": "positions-h"}, [
          h("h2", {id: "positions-h"}), h("ul", {cls: "positions"})]));
      }
      live.setAttribute("data-key", key());
      if (focusWasInside) live.querySelector("h2[tabindex]").focus();
    }
    restoreDraft(); renderVoteState(); renderResults(); renderPositions(); countChars(); renderDrafts();
    first = false;
  }

  /* The open question's draft back in its box (after a reload, or the question reopening). */
  function restoreDraft() {
    var f = document.getElementById("position"), draft = f && drafts()[f.elements.prompt_id.value];
    if (!draft || f.elements.text.value) return;
    f.elements.text.value = draft.text;
    f.elements.option_id.value = String(draft.option_id || "");
  }

  function renderVoteState() {
    var prompt = openPrompt(), hint = document.getElementById("vote-state");
    if (!prompt || !hint) return;
    var voted = myVote(prompt).length > 0;
    hint.textContent = queuedVote[prompt.id] ? t("Your vote is kept on this phone and will be sent when the connection returns.") :
      voted ? t("You have voted. You can change your vote while the question is open.") : t("You have not voted yet.");
    document.getElementById("vote-submit").textContent = voted ? t("Change my vote") : t("Vote");
  }

  function renderResults() {
    var box = document.getElementById("results"), shown = L.shownResults(S), prompt = openPrompt();
    if (!box) return;
    box.textContent = "";
    box.hidden = !shown;
    if (!shown) { resultsShownFor = null; return; }
    box.appendChild(h("h2", {id: "results-h", text: shown === prompt ? t("Results") : t("Results of question %(n)d", {n: shown.order})}));
    if (shown !== prompt) box.appendChild(L.userText("p", shown.text, {cls: "question-small"}));
    box.appendChild(L.legend());
    box.appendChild(L.results(S.results[shown.id], shown));
    if (resultsShownFor !== shown.id && !first) L.say(t("The results of question %(n)d are shown.", {n: shown.order}));
    resultsShownFor = shown.id;
  }

  function positionItem(p, prompt) {
    var own = isMine(p);
    var meta = h("p", {cls: "meta"}, [p.pinned && h("strong", {text: t("Pinned")}), p.pinned && " · ",
      own && h("strong", {text: t("Yours")}), own && " · "].concat(L.positionMeta(p, prompt), [
      p.status === "pending" && " · ", p.status === "pending" && h("span", {cls: "status status-pending", text: t("waiting for approval")})]));
    var li = h("li", {id: "position-" + p.id, cls: "position" + (p.pinned ? " pinned" : "") + (p.status === "pending" ? " pending" : "")},
      [L.userText("p", p.text, {cls: "text"}), meta, L.counts(p)]);
    if (!own && p.status === "visible") {
      var mineR = S.me.reactions[p.id];
      li.appendChild(L.form("/j/" + code + "/react", "react", {position_id: p.id},
        [["agree", t("Agree")], ["disagree", t("Disagree")], ["pass", t("Pass")]].map(function (v) {
          return h("button", {type: "submit", name: "value", value: v[0], id: "r-" + p.id + "-" + v[0],
            "aria-pressed": mineR === v[0] ? "true" : "false", text: v[1]});
        }), "reactions"));
      li.lastChild.setAttribute("aria-label", t("Your reaction"));
    }
    return li;
  }

  function renderPositions() {
    var section = document.getElementById("positions"), prompt = openPrompt();
    if (!section || !prompt) return;
    var items = S.positions.filter(function (p) { return p.prompt_id === prompt.id && p.status !== "hidden"; })
      .sort(function (a, b) { return (b.pinned - a.pinned) || (b.id - a.id); });
    L.keeping(section, function () {
      var total = Math.max(items.length, (S.positions_total || {})[prompt.id] || 0);
      section.querySelector("h2").textContent = t("Positions") + " (" + total + ")";
      var ul = section.querySelector("ul");
      ul.textContent = "";
      items.forEach(function (p) { ul.appendChild(positionItem(p, prompt)); });
      if (!items.length) ul.appendChild(h("li", {cls: "empty hint", text: t("No positions yet. Be the first.")}));
      var older = L.olderButton(S, socket, prompt.id, renderPositions);
      if (older) ul.appendChild(h("li", {}, [older]));
    }, "positions-h");
  }

  /* Drafts of questions that are not open any more: shown with a note, until discarded. */
  function renderDrafts() {
    var box = document.getElementById("draft"), all = drafts(), open = openPrompt();
    var kept = Object.keys(all).filter(function (id) { return !open || +id !== open.id; })
      .map(function (id) { return {prompt: L.byId(S.prompts, +id), draft: all[id]}; })
      .filter(function (k) { return k.prompt; });
    box.hidden = !kept.length;
    L.keeping(box, function () {
      box.textContent = "";
      if (!kept.length) return;
      box.appendChild(h("h2", {id: "draft-h", text: t("Your unsent drafts")}));
      kept.forEach(function (k) {
        var id = "draft-" + k.prompt.id;
        box.appendChild(h("div", {cls: "field"}, [
          h("label", {"for": id, text: t("Question %(n)d closed before you sent your position. Your draft is kept on this phone; it comes back if the question opens again.", {n: k.prompt.order})}),
          h("textarea", {id: id, readonly: true, dir: "auto", text: k.draft.text}),
          h("button", {type: "button", cls: "secondary small", id: "discard-" + k.prompt.id,
            "data-discard": k.prompt.id, text: t("Discard this draft")})]));
      });
    }, "main");
  }
  document.getElementById("draft").addEventListener("click", function (e) {
    var id = e.target.getAttribute && e.target.getAttribute("data-discard");
    if (!id) return;
    saveDraft(id, "");
    renderDrafts();
    L.say(t("Draft discarded."));
  });

  function countChars() {
    var area = document.getElementById("position-text"), hint = document.getElementById("position-count");
    if (!area || !hint) return;
    var left = max - area.value.length;
    hint.textContent = t("%(left)d of %(max)d characters left.", {left: left, max: max}) +
      (pre ? " " + t("A moderator approves positions before others see them.") : "");
  }
  live.addEventListener("input", function (e) {
    var f = document.getElementById("position");
    if (!f || !f.contains(e.target)) return;
    countChars();
    saveDraft(f.elements.prompt_id.value, f.elements.text.value, f.elements.option_id.value);
  });
  live.addEventListener("change", function (e) {
    var f = document.getElementById("position");
    if (f && e.target.id === "position-option") saveDraft(f.elements.prompt_id.value, f.elements.text.value, f.elements.option_id.value);
  });

  function onPosition(p) {
    if (!S) return;
    if (p.status === "hidden" && !mine[p.id]) S.positions = S.positions.filter(function (x) { return x.id !== p.id; });
    else L.upsert(S.positions, p);
    renderPositions();
  }

  function flush() { if (S) outbox.flush(socket, done); }

  /* The floor: who speaks, my place, ask to speak. Kept outside #live so a new question does not
     redraw it; drawn a moment after the last `floor` (the public one and my own come together). */
  var floorBox = document.getElementById("floor"), floorTimer = null, F = window.Floor;
  var floorOptions = {code: code, named: app.getAttribute("data-named") === "1"};
  function renderFloor() {
    floorTimer = null;
    if (!floorBox || !F || !S || !S.floor) return;
    if (S.workshop.status === "ended") { floorBox.hidden = true; return; }
    F.renderParticipant(floorBox, S.floor, floorOptions);
  }
  function floorSoon() { if (!floorTimer) floorTimer = setTimeout(renderFloor, 60); }

  /* The opinion map, once a moderator shows it: its script, style and translations load then. */
  var mapBox = document.getElementById("opinion-map"), mapLoading = false;
  function renderMap() {
    var p = S && L.displayPrompt(S), o = p && p.opinion_visible && S.opinion && S.opinion[p.id];
    if (!mapBox) return;
    if (!o) { mapBox.hidden = true; mapBox.textContent = ""; return; }
    if (!window.OpinionMap) { loadMap(); return; }
    mapBox.textContent = "";
    mapBox.appendChild(h("h2", {id: "opinion-map-h", text: t("Opinion map")}));
    mapBox.appendChild(window.OpinionMap.render(o, S.positions, {reps: 2, consensus: 3, dot: 0.03, shares: false}));
    mapBox.hidden = false;
  }
  function loadMap() {
    if (mapLoading) return;
    mapLoading = true;
    var lang = document.documentElement.lang;
    document.head.appendChild(h("link", {rel: "stylesheet", href: app.getAttribute("data-opinion-css")}));
    var done = function () { var el = h("script", {src: app.getAttribute("data-opinion-js")}); el.onload = renderMap; document.head.appendChild(el); };
    if (lang === "en" || !window.fetch) { done(); return; }
    fetch("/i18n/opinion.json?lang=" + lang).then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (m) { L.addMessages(m); }, function () {}).then(done);
  }
  function onOpinion(o) { if (S && L.keepLatest(S.opinion = S.opinion || {}, o)) renderMap(); }

  var socket = L.connect({workshop: code}, {
    opinion: onOpinion,
    state: function (s) {
      S = s;
      renderAll();
      renderMap();
      renderFloor();
      if (outbox.items.length) L.say(t("Sending what you did while the connection was down…"), "waiting");
      flush();
    },
    prompt_changed: function (p) {
      if (!S) return;
      L.applyPrompt(S, p);
      if (!p.results_visible) delete S.results[p.id];
      renderAll();
      renderMap();
    },
    results: function (r) { if (S && L.keepLatest(S.results, r)) renderResults(); },
    position_added: onPosition,
    position_changed: onPosition,
    workshop_changed: function (w) { if (S) { S.workshop.status = w.status; S.workshop.title = w.title; renderAll(); renderFloor(); } },
    floor: function (f) { if (S) { S.floor = f; floorSoon(); } }
  });
  setInterval(flush, 15000);

  var SENT = {
    cast_vote: t("Your vote is recorded."),
    submit_position: t("Your position is posted."),
    react: t("Your reaction is recorded.")
  };

  /* While the connection is down: keep the action on the phone (a later vote or reaction replaces
     a queued one) and send it when the connection returns. */
  function keepOffline(name, payload) {
    outbox.put(name, payload, function (queued) {
      return name === "cast_vote" ? queued.prompt_id === payload.prompt_id :
        name === "react" ? queued.position_id === payload.position_id : queued.client_id === payload.client_id;
    });
    if (name === "cast_vote") { queuedVote[payload.prompt_id] = payload.option_ids; renderVoteState(); }
    L.say(t("No connection right now. What you did is kept on this phone and will be sent when the connection returns."), "waiting");
    return true;
  }

  function done(name, ack, payload, fromOutbox, f) {
    if (name === "cast_vote") delete queuedVote[payload.prompt_id];
    if (!ack.ok) {
      if (fromOutbox) L.say(t("Not recorded: %(reason)s", {reason: ack.error && ack.error.message || ""}), "error");
      if (name === "submit_position" && ack.error && ack.error.code === "conflict" && f) f.elements.client_id.value = L.clientId();
      if (S) renderVoteState();
      return;
    }
    L.say(fromOutbox ? t("Sent after the connection came back.") + " " + SENT[name] : SENT[name]);
    if (!S) return;
    if (name === "cast_vote") {
      S.me.votes[payload.prompt_id] = payload.option_ids;
      renderVoteState();
    } else if (name === "submit_position") {
      mine[ack.position_id] = true;
      if (ack.position) L.upsert(S.positions, ack.position);
      var form = document.getElementById("position");
      if (form && form.elements.client_id.value === payload.client_id) {
        form.elements.text.value = "";
        form.elements.option_id.value = "";
        form.elements.client_id.value = L.clientId();
      }
      saveDraft(payload.prompt_id, "");
      if (ack.status === "pending") L.say(t("Your position is sent; it will appear once a moderator approves it."));
      countChars(); renderPositions(); renderDrafts();
    } else if (name === "react") {
      S.me.reactions[payload.position_id] = payload.value;
      renderPositions();
    }
  }

  if (floorBox && F) {
    L.takeOver(floorBox, socket, {raise_hand: F.payloads.raise_hand, lower_hand: F.payloads.lower_hand},
      function (name, ack, payload) {
        if (!ack.ok || !S) return;
        var mineNow = (S.floor.my_hands || []).filter(function (m) { return m.id !== payload.hand_id; });
        if (name === "raise_hand") {
          mineNow.push({id: ack.hand_id, place: ack.place, kind: payload.kind});
          L.say(payload.kind === "point_of_order" ? t("Your point of order is number %(n)d.", {n: ack.place})
            : t("Your hand is up: you are number %(n)d in the queue.", {n: ack.place}));
        } else {
          L.say(t("Your hand is down."));
        }
        S.floor.my_hands = mineNow;
        renderFloor();
        var back = document.getElementById(name === "raise_hand" && payload.kind === "speak" ? "lower-hand" : "raise-hand");
        if (back) back.focus();
      });
  }

  L.takeOver(live, socket, {
    cast_vote: function (f) {
      var ids = [].map.call(f.querySelectorAll("input[name=option_ids]:checked"), function (i) { return +i.value; });
      if (!ids.length) return t("Choose an option before voting.");
      return {prompt_id: +f.elements.prompt_id.value, option_ids: ids};
    },
    submit_position: function (f) {
      var text = f.elements.text.value.trim(), option = f.elements.option_id.value;
      if (!text) return t("Write your position before sending it.");
      var payload = {prompt_id: +f.elements.prompt_id.value, text: text, client_id: f.elements.client_id.value};
      if (option) payload.option_id = +option;
      return payload;
    },
    react: function (f, button) {
      return {position_id: +f.elements.position_id.value, value: button ? button.value : "pass"};
    }
  }, done, keepOffline);
})();
