/* Projector screen: read-only, kept live over the socket (auth {workshop, screen: true}),
   laid out to fit the viewport: when the content would not fit, the least important
   items go first (the last positions; pinned ones stay longest), then the type shrinks a little. */
(function () {
  "use strict";
  var root = document.getElementById("screen"), L = window.Live;
  if (!root || !L) return;
  var h = L.h, t = L.t, S = null, TOP = 3, stage = document.getElementById("stage");
  /* ?also=xx: each join instruction in a second language too (the server's texts, data-also). */
  var also = root.getAttribute("data-also") ? JSON.parse(root.getAttribute("data-also")) : null;
  function said(text, key, index) {
    if (!also) return [text];
    var second = index === undefined ? also[key] : also[key][index];
    return [text, h("span", {cls: "also", lang: also.lang, dir: also.dir, text: second})];
  }

  function overflowing() {
    return stage.scrollHeight > stage.clientHeight + 1 || document.documentElement.scrollHeight > window.innerHeight + 1;
  }

  function fit() {
    /* Least important last: the featured positions, then the opinion map's second and third
       consensus statements, then each group's second representative position. */
    var items = [].slice.call(document.querySelectorAll(
      ".opinion-groups li li:nth-child(n+2), .opinion-consensus li:nth-child(n+2), #screen-positions > li")).reverse();
    var body = document.body;
    items.forEach(function (li) { li.hidden = false; });
    body.style.setProperty("--fit", "1");
    for (var i = items.length - 1; i >= 0 && overflowing(); i--) items[i].hidden = true;
    [0.95, 0.9, 0.85].forEach(function (scale) { if (overflowing()) body.style.setProperty("--fit", String(scale)); });
  }
  window.addEventListener("resize", fit);

  function featured(prompt) {
    if (!prompt) return [];
    var all = S.positions.filter(function (p) { return p.prompt_id === prompt.id && p.status === "visible"; });
    var pinned = all.filter(function (p) { return p.pinned; }).sort(function (a, b) { return a.id - b.id; });
    var top = all.filter(function (p) { return !p.pinned && p.agree > 0; })
      .sort(function (a, b) { return (b.agree - a.agree) || (a.id - b.id); }).slice(0, TOP);
    return pinned.concat(top);
  }

  function render() {
    var prompt = L.displayPrompt(S), ended = S.workshop.status === "ended", shown = L.shownResults(S);
    /* The opinion map, while shown, takes the results' and the positions' place. */
    var mapShown = !!(prompt && prompt.opinion_visible && window.OpinionMap);
    if (mapShown) shown = null;
    document.body.classList.toggle("compact-join", !!shown || mapShown);
    document.body.classList.toggle("welcome", !prompt && !ended);
    stage.textContent = "";
    if (prompt) {
      stage.appendChild(h("p", {cls: "kicker", id: "screen-kicker"}, [
        t("Question %(n)d of %(total)d", {n: prompt.order, total: S.prompts.length}) + " · ",
        h("span", {cls: "status status-" + prompt.status, text: prompt.status === "open" ? t("voting open") : t("voting closed")})]));
      stage.appendChild(L.userText("h2", prompt.text, {cls: "question", id: "screen-question"}));
    }
    if (ended || !prompt) {
      stage.appendChild(h("p", {cls: "screen-status", id: "screen-status"}, ended
        ? said(t("Thank you for taking part."), "thanks") : said(t("Join now: the first question opens soon."), "soon")));
      if (!prompt && !ended) {
        stage.appendChild(h("ol", {cls: "how-to", id: "how-to"}, [
          h("li", {}, said(t("Scan the code with your phone camera, or open the address."), "how_to", 0)),
          h("li", {}, said(t("Say whether you are in the room or online."), "how_to", 1)),
          h("li", {}, said(t("Vote, share your position, react to others, and ask for the floor."), "how_to", 2))]));
      }
    }
    var results = h("div", {id: "screen-results", hidden: !shown});
    if (shown) {
      results.appendChild(L.legend());
      results.appendChild(L.results(S.results[shown.id], shown, true));
    }
    stage.appendChild(results);
    var opinion = mapShown && S.opinion ? S.opinion[prompt.id] : null;
    if (mapShown) {
      var section = h("section", {id: "screen-opinion", "aria-label": t("Opinion map")});
      section.appendChild(window.OpinionMap.render(opinion, S.positions, {reps: 2, consensus: 3, dot: 0.028, shares: false}));
      stage.appendChild(section);
    }
    var ul = h("ul", {cls: "positions", id: "screen-positions"});
    (mapShown ? [] : featured(prompt)).forEach(function (p) {
      ul.appendChild(h("li", {cls: "position" + (p.pinned ? " pinned" : "")}, [L.userText("p", p.text, {cls: "text"}), L.counts(p)]));
    });
    stage.appendChild(ul);
    renderTotal();
    renderFloor();
    fit();
    root.setAttribute("data-live", "1");
  }

  /* Who speaks (channel, name if given, countdown), the next three, and the agenda item. */
  function renderFloor() {
    var F = window.Floor, strip = document.getElementById("floor-strip"), now = document.getElementById("agenda-now");
    if (!F) return;
    if (strip && S.floor) F.renderStrip(strip, S.workshop.status === "ended" ? {current: null, queue: [], now: S.floor.now} : S.floor);
    if (now && S.agenda) F.renderAgendaNow(now, S.agenda);
  }

  function renderTotal() {
    var n = S.workshop.participants.total;
    document.getElementById("participant-total").textContent = n;
    document.getElementById("participant-label").textContent = L.tn("participant", "participants", n);
  }

  function onPosition(p) {
    if (!S) return;
    if (p.status === "hidden") S.positions = S.positions.filter(function (x) { return x.id !== p.id; });
    else L.upsert(S.positions, p);
    render();
  }

  fit();
  if (!window.io) return;
  L.connect({workshop: root.getAttribute("data-code"), screen: true}, {
    state: function (s) { S = s; render(); },
    prompt_changed: function (p) {
      if (!S) return;
      L.applyPrompt(S, p);
      if (!p.results_visible) delete S.results[p.id];
      render();
    },
    results: function (r) { if (S && L.keepLatest(S.results, r)) render(); },
    participation: function (part) { if (S) { S.workshop.participants = part; renderTotal(); } },
    position_added: onPosition,
    position_changed: onPosition,
    workshop_changed: function (w) { if (S) { S.workshop.status = w.status; render(); } },
    floor: function (f) { if (S) { S.floor = f; renderFloor(); fit(); } },
    agenda: function (a) { if (S) { S.agenda = a; renderFloor(); fit(); } },
    opinion: function (o) { if (S && L.keepLatest(S.opinion = S.opinion || {}, o)) render(); }
  });
})();
