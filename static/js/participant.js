/* Participant page, progressively enhanced: live updates and socket actions with acks.
   Without JavaScript (or without a connection) every form still posts. */
(function () {
  "use strict";
  var app = document.getElementById("app"), L = window.Live;
  if (!app || !L || !window.io) return;
  var h = L.h, code = app.getAttribute("data-code"), live = document.getElementById("live");
  var max = +app.getAttribute("data-max"), pre = app.getAttribute("data-moderation") === "pre";
  var mine = {};
  JSON.parse(app.getAttribute("data-mine") || "[]").forEach(function (id) { mine[id] = true; });
  var S = null, first = true;

  function openPrompt() {
    return S.prompts.filter(function (p) { return p.id === S.open_prompt_id; })[0] || null;
  }
  function key() { return S.workshop.status + "-" + (S.open_prompt_id || ""); }
  function isMine(p) { return mine[p.id] || p.status === "pending"; }
  function myVote(prompt) { return (S.me.votes[prompt.id] || []).map(Number); }

  function named(el, id) { el.id = id; return el; }

  function stage(prompt) {
    if (S.workshop.status === "ended") {
      return h("section", {cls: "notice stage"}, [h("h2", {text: "The workshop has ended"}),
        h("p", {text: "Thank you for taking part. Your votes and positions are recorded."})]);
    }
    if (!prompt) {
      return h("section", {cls: "stage waiting"}, [
        h("h2", {text: "Waiting for the moderator to open the next question"}),
        h("p", {cls: "hint", text: "This page updates by itself."})]);
    }
    var voted = myVote(prompt), multiple = prompt.kind === "multiple";
    var fieldset = h("fieldset", {}, [h("legend", {}, ["Your vote ",
      h("span", {cls: "hint", text: multiple ? "(choose one or more)" : "(choose one)"})])]);
    prompt.options.forEach(function (o) {
      fieldset.appendChild(h("label", {cls: "choice option"}, [h("input", {type: multiple ? "checkbox" : "radio",
        name: "option_ids", value: o.id, checked: voted.indexOf(o.id) >= 0}), " " + o.label]));
    });
    return h("section", {id: "prompt", cls: "stage", "aria-labelledby": "q-h"}, [
      h("p", {cls: "meta", text: "Question " + prompt.order + " of " + S.prompts.length}),
      h("h2", {id: "q-h", cls: "question", text: prompt.text}),
      named(L.form("/j/" + code + "/vote", "cast_vote", {prompt_id: prompt.id}, [fieldset,
        h("p", {cls: "hint", id: "vote-state"}),
        h("button", {type: "submit", cls: "wide"})], null), "vote")]);
  }

  function writeBox(prompt) {
    var select = h("select", {id: "position-option", name: "option_id"}, [h("option", {value: "", text: "No particular option"})]);
    prompt.options.forEach(function (o) { select.appendChild(h("option", {value: o.id, text: o.label})); });
    return h("section", {id: "write", "aria-labelledby": "write-h"}, [h("h2", {id: "write-h", text: "Your position"}),
      named(L.form("/j/" + code + "/position", "submit_position", {prompt_id: prompt.id, client_id: L.clientId()}, [
        h("div", {cls: "field"}, [h("label", {"for": "position-text", text: "In a sentence or two, what is your position?"}),
          h("textarea", {id: "position-text", name: "text", maxlength: max, required: true, "aria-describedby": "position-count"}),
          h("p", {cls: "hint", id: "position-count"})]),
        h("div", {cls: "field"}, [h("label", {"for": "position-option", text: "It argues for (optional)"}), select]),
        h("button", {type: "submit", cls: "wide", text: "Post my position"})], "stack"), "position")]);
  }

  function renderAll() {
    var prompt = openPrompt(), same = live.getAttribute("data-key") === key();
    if (!same) {
      // A new stage: earlier messages no longer apply.
      L.say("");
      var flashes = document.querySelector(".flashes");
      if (flashes && !first) flashes.remove();
      live.textContent = "";
      live.appendChild(stage(prompt));
      live.appendChild(h("section", {id: "results", "aria-live": "polite", "aria-labelledby": "results-h", hidden: true}));
      if (prompt && S.workshop.status !== "ended") {
        live.appendChild(writeBox(prompt));
        live.appendChild(h("section", {id: "positions", "aria-labelledby": "positions-h"}, [
          h("h2", {id: "positions-h"}), h("ul", {cls: "positions"})]));
      }
      live.setAttribute("data-key", key());
    }
    renderVoteState(); renderResults(); renderPositions(); countChars();
    first = false;
  }

  function renderVoteState() {
    var prompt = openPrompt(), hint = document.getElementById("vote-state");
    if (!prompt || !hint) return;
    var voted = myVote(prompt).length > 0;
    hint.textContent = voted ? "You have voted. You can change your vote while the question is open." : "You have not voted yet.";
    var button = hint.parentNode.querySelector("button[type=submit]");
    if (button) button.textContent = voted ? "Change my vote" : "Vote";
  }

  function renderResults() {
    var box = document.getElementById("results");
    if (!box) return;
    var prompt = openPrompt(), shown = prompt && S.results[prompt.id] ? prompt : null;
    if (!prompt) {
      shown = S.prompts.filter(function (p) { return p.status === "closed" && p.results_visible && S.results[p.id]; })
        .sort(function (a, b) { return (b.closed_at || "") < (a.closed_at || "") ? -1 : 1; })[0] || null;
    }
    box.textContent = "";
    box.hidden = !shown;
    if (!shown) return;
    box.appendChild(h("h2", {id: "results-h", text: shown === prompt ? "Results" : "Results of question " + shown.order}));
    if (shown !== prompt) box.appendChild(h("p", {cls: "question-small", text: shown.text}));
    box.appendChild(L.legend());
    box.appendChild(L.results(S.results[shown.id]));
  }

  function positionItem(p, prompt) {
    var own = isMine(p), option = prompt.options.filter(function (o) { return o.id === p.option_id; })[0];
    var meta = h("p", {cls: "meta"}, [p.pinned && h("strong", {text: "Pinned"}), p.pinned && " · ",
      own && h("strong", {text: "Yours"}), own && " · ",
      L.ATTENDANCE[p.attendance] + (p.stakeholder_group ? " · " + L.GROUPS[p.stakeholder_group] : "") +
      (option ? " · for “" + option.label + "”" : ""),
      p.status === "pending" && " · ", p.status === "pending" && h("span", {cls: "status status-pending", text: "waiting for approval"})]);
    var li = h("li", {id: "position-" + p.id, cls: "position" + (p.pinned ? " pinned" : "") + (p.status === "pending" ? " pending" : "")},
      [h("p", {cls: "text", text: p.text}), meta, L.counts(p)]);
    if (!own && p.status === "visible") {
      var mineR = S.me.reactions[p.id];
      li.appendChild(L.form("/j/" + code + "/react", "react", {position_id: p.id},
        [["agree", "Agree"], ["disagree", "Disagree"], ["pass", "Pass"]].map(function (v) {
          return h("button", {type: "submit", name: "value", value: v[0], id: "r-" + p.id + "-" + v[0],
            "aria-pressed": mineR === v[0] ? "true" : "false", text: v[1]});
        }), "reactions"));
      li.lastChild.setAttribute("aria-label", "Your reaction");
    }
    return li;
  }

  function renderPositions() {
    var section = document.getElementById("positions"), prompt = openPrompt();
    if (!section || !prompt) return;
    var items = S.positions.filter(function (p) { return p.prompt_id === prompt.id && p.status !== "hidden"; })
      .sort(function (a, b) { return (b.pinned - a.pinned) || (b.id - a.id); });
    L.preserving(section, function () {
      section.querySelector("h2").textContent = "Positions (" + items.length + ")";
      var ul = section.querySelector("ul");
      ul.textContent = "";
      items.forEach(function (p) { ul.appendChild(positionItem(p, prompt)); });
      if (!items.length) ul.appendChild(h("li", {cls: "empty hint", text: "No positions yet. Be the first."}));
    });
  }

  function countChars() {
    var area = document.getElementById("position-text"), hint = document.getElementById("position-count");
    if (!area || !hint) return;
    var left = max - area.value.length;
    hint.textContent = left + " of " + max + " characters left." + (pre ? " A moderator approves positions before others see them." : "");
  }
  live.addEventListener("input", function (e) { if (e.target.id === "position-text") countChars(); });

  var socket = L.connect({workshop: code}, {
    state: function (s) { S = s; renderAll(); },
    prompt_changed: function (p) {
      if (!S) return;
      L.applyPrompt(S, p);
      if (!p.results_visible) delete S.results[p.id];
      renderAll();
    },
    results: function (r) { if (S && L.keepLatest(S.results, r)) renderResults(); },
    position_added: onPosition,
    position_changed: onPosition,
    workshop_changed: function (w) { if (S) { S.workshop.status = w.status; S.workshop.title = w.title; renderAll(); } }
  });

  function onPosition(p) {
    if (!S) return;
    if (p.status === "hidden" && !mine[p.id]) S.positions = S.positions.filter(function (x) { return x.id !== p.id; });
    else L.upsert(S.positions, p);
    renderPositions();
  }

  L.takeOver(live, socket, {
    cast_vote: function (f) {
      var ids = [].map.call(f.querySelectorAll("input[name=option_ids]:checked"), function (i) { return +i.value; });
      if (!ids.length) return "Choose an option before voting.";
      return {prompt_id: +f.elements.prompt_id.value, option_ids: ids};
    },
    submit_position: function (f) {
      var text = f.elements.text.value.trim(), option = f.elements.option_id.value;
      if (!text) return "Write your position before sending it.";
      var payload = {prompt_id: +f.elements.prompt_id.value, text: text, client_id: f.elements.client_id.value};
      if (option) payload.option_id = +option;
      return payload;
    },
    react: function (f, button) {
      return {position_id: +f.elements.position_id.value, value: button ? button.value : "pass"};
    }
  }, function (name, ack, payload, f) {
    if (!ack.ok) {
      if (ack.error && ack.error.code === "conflict" && name === "submit_position") f.elements.client_id.value = L.clientId();
      return;
    }
    if (name === "cast_vote") {
      S.me.votes[payload.prompt_id] = payload.option_ids;
      renderVoteState();
      L.say("Your vote is recorded.");
    } else if (name === "submit_position") {
      mine[ack.position_id] = true;
      f.elements.text.value = "";
      f.elements.option_id.value = "";
      f.elements.client_id.value = L.clientId();
      countChars();
      renderPositions();
      L.say(ack.status === "pending" ? "Your position is sent; it will appear once a moderator approves it." : "Your position is posted.");
    } else if (name === "react") {
      S.me.reactions[payload.position_id] = payload.value;
      renderPositions();
      L.say("Your reaction is recorded.");
    }
  });
})();
