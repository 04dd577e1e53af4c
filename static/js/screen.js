/* Projector screen: read-only, kept live over the socket (auth {workshop, screen: true}). */
(function () {
  "use strict";
  var root = document.getElementById("screen"), L = window.Live;
  if (!root || !L || !window.io) return;
  var h = L.h, S = null, TOP = 3;

  function openPrompt() {
    return S.prompts.filter(function (p) { return p.id === S.open_prompt_id; })[0] || null;
  }

  function render() {
    var prompt = openPrompt(), stage = document.getElementById("stage");
    var status = document.getElementById("screen-status");
    var text = S.workshop.status === "ended" ? "Thank you for taking part." : (prompt ? "" : "Join now: the next question opens soon.");
    if (!status) { status = h("p", {cls: "screen-status", id: "screen-status"}); stage.insertBefore(status, stage.firstChild); }
    status.textContent = text;
    status.hidden = !text;
    var box = document.getElementById("screen-prompt");
    box.textContent = "";
    box.hidden = !prompt;
    if (prompt) {
      box.appendChild(h("p", {cls: "meta", text: "Question " + prompt.order + " of " + S.prompts.length}));
      box.appendChild(h("h2", {cls: "question", text: prompt.text}));
    }
    renderResults(); renderPositions();
    document.getElementById("participant-total").textContent = S.workshop.participants.total;
  }

  function renderResults() {
    var prompt = openPrompt(), box = document.getElementById("screen-results");
    var r = prompt && S.results[prompt.id];
    box.textContent = "";
    box.hidden = !r;
    if (r) { box.appendChild(L.legend()); box.appendChild(L.results(r)); }
  }

  function renderPositions() {
    var prompt = openPrompt(), ul = document.getElementById("screen-positions");
    ul.textContent = "";
    if (!prompt) return;
    var mine = S.positions.filter(function (p) { return p.prompt_id === prompt.id && p.status === "visible"; });
    var pinned = mine.filter(function (p) { return p.pinned; });
    var top = mine.filter(function (p) { return !p.pinned && p.agree > 0; })
      .sort(function (a, b) { return (b.agree - a.agree) || (a.id - b.id); }).slice(0, TOP);
    pinned.concat(top).forEach(function (p) {
      ul.appendChild(h("li", {cls: "position" + (p.pinned ? " pinned" : "")}, [h("p", {cls: "text", text: p.text}), L.counts(p)]));
    });
  }

  function onPosition(p) {
    if (!S) return;
    if (p.status === "hidden") S.positions = S.positions.filter(function (x) { return x.id !== p.id; });
    else L.upsert(S.positions, p);
    renderPositions();
  }

  L.connect({workshop: root.getAttribute("data-code"), screen: true}, {
    state: function (s) { S = s; render(); },
    prompt_changed: function (p) {
      if (!S) return;
      L.upsert(S.prompts, p);
      if (p.status === "open") S.open_prompt_id = p.id;
      else if (S.open_prompt_id === p.id) S.open_prompt_id = null;
      if (!p.results_visible) delete S.results[p.id];
      render();
    },
    results: function (r) { if (S && L.keepLatest(S.results, r)) renderResults(); },
    participation: function (part) {
      if (S) { S.workshop.participants = part; document.getElementById("participant-total").textContent = part.total; }
    },
    position_added: onPosition,
    position_changed: onPosition,
    workshop_changed: function (w) { if (S) { S.workshop.status = w.status; render(); } }
  });
})();
