/* Moderator console: the current question with its one next step, the agenda, participation and
   positions, kept live; controls sent as socket events, with a confirmation before anything that
   ends a live vote or the workshop (moderation/steps.py has the same rules for the form posts). */
(function () {
  "use strict";
  var root = document.getElementById("console"), L = window.Live;
  if (!root || !L || !window.io) return;
  var h = L.h, t = L.t, code = root.getAttribute("data-code"), base = "/m/" + code + "/";
  var S = null, pending = null;  // pending: the action waiting for its confirmation
  // A rapporteur sees everything live but gets no controls (the server refuses them anyway).
  var canModerate = root.getAttribute("data-role") === "moderator", F = window.Floor;
  var floorOptions = {code: code, canModerate: canModerate, desk: root.getAttribute("data-desk")};
  var URLS = {open_prompt: base + "open", close_prompt: base + "close", show_results: base + "results", end_workshop: base + "end",
    show_opinion_map: base + "opinion"};

  function ended() { return S.workshop.status === "ended"; }
  function status(text, cls) { return h("span", {cls: "status status-" + (cls || text), text: text}); }
  var STATUS = {open: t("voting open"), closed: t("voting closed"), pending: t("not opened yet")};
  var SHORT = {open: t("open"), closed: t("closed"), pending: t("pending")};
  var POSITION_STATUS = {pending: t("waiting for approval"), visible: t("visible"), hidden: t("hidden")};

  function currentPrompt() { return L.displayPrompt(S) || S.prompts[0] || null; }
  function voters(id) { return S.results[id] ? S.results[id].votes_total : 0; }

  function nextStep() {
    if (ended()) return null;
    var p = currentPrompt();
    if (!p) return null;
    if (p.status === "open") return {event: "close_prompt", prompt: p, label: t("Close voting on question %(n)d", {n: p.order})};
    if (p.status === "pending") return {event: "open_prompt", prompt: p, label: t("Open question %(n)d", {n: p.order})};
    if (!p.results_visible) return {event: "show_results", prompt: p, label: t("Show the results of question %(n)d", {n: p.order})};
    var waiting = S.prompts.filter(function (q) { return q.status === "pending"; });
    var next = waiting.filter(function (q) { return q.order > p.order; })[0] || waiting[0];
    if (next) return {event: "open_prompt", prompt: next, label: t("Open question %(n)d", {n: next.order})};
    return {event: "end_workshop", prompt: null, label: t("End the workshop")};
  }

  function confirmation(event, promptId) {
    var open = L.byId(S.prompts, S.open_prompt_id);
    if (event === "end_workshop") return t("End the workshop? Every question closes and nobody can vote or post any more. Results can still be shown afterwards.");
    if (!open) return null;
    if (event === "close_prompt" && promptId === open.id) {
      return t("Close voting on question %(n)d? %(votes)d voted so far; nobody can vote or post on it any more.", {n: open.order, votes: voters(open.id)});
    }
    var target = L.byId(S.prompts, promptId);
    if (event === "open_prompt" && target && promptId !== open.id) {
      return t("Question %(open)d is still open (%(votes)d voted). Opening question %(n)d closes it.", {open: open.order, votes: voters(open.id), n: target.order});
    }
    return null;
  }

  /* `which`: the question a short button acts on, read out after its visible label (as the
     action_form macro of templates/moderation/console.html does). */
  function action(event, prompt, label, id, cls, visible, which) {
    var fields = prompt ? {prompt_id: prompt.id} : {};
    if (visible !== undefined) fields.visible = visible;
    return L.form(URLS[event], event, fields, [h("button", {type: "submit", id: id, cls: cls === undefined ? "secondary small" : cls},
      [label, which ? h("span", {cls: "visually-hidden", text: " (" + which + ")"}) : null])]);
  }

  function renderNow() {
    var box = document.getElementById("now"), p = currentPrompt(), step = nextStep();
    L.keeping(box, function () {
      box.textContent = "";
      box.className = "now" + (p && p.status === "open" ? " is-open" : "");
      if (!p) {
        box.appendChild(h("h2", {id: "now-h", tabindex: "-1", text: t("No questions")}));
        return;
      }
      box.appendChild(h("h2", {id: "now-h", tabindex: "-1"}, [t("Question %(n)d of %(total)d", {n: p.order, total: S.prompts.length}) + " ",
        status(STATUS[p.status], p.status)]));
      box.appendChild(L.userText("p", p.text, {cls: "question"}));
      box.appendChild(h("p", {cls: "meta", text: (p.kind === "multiple" ? t("several options") : t("one option")) + " · " +
        (p.results_visible ? t("results shown to participants and the screen") : t("results hidden from participants and the screen"))}));
      if (pending) box.appendChild(confirmBox());
      if (ended()) {
        box.appendChild(h("div", {cls: "done-box", id: "ended-box"}, [
          h("p", {}, [h("strong", {text: t("The workshop has ended.")}), " " + t("You can still show or hide results.")]),
          h("p", {}, [h("a", {cls: "button", href: "/w/" + code + "/summary", id: "ended-summary", text: t("Open the summary and report")})])]));
      }
      if (!canModerate) {
        var tallyOnly = h("div", {cls: "tally", id: "now-tally"});
        if (S.results[p.id]) { tallyOnly.appendChild(L.legend()); tallyOnly.appendChild(L.results(S.results[p.id], p)); }
        box.appendChild(tallyOnly);
        return;
      }
      var next = h("div", {cls: "next actions", id: "next"});
      if (step) next.appendChild(action(step.event, step.prompt, step.label, "next-step", step.event === "end_workshop" ? "danger" : "",
        step.event === "show_results" ? "true" : undefined));
      box.appendChild(next);
      var more = h("div", {cls: "actions", id: "now-actions"});
      if (!ended()) {
        if (p.status === "open" && !(step && step.event === "close_prompt")) more.appendChild(action("close_prompt", p, t("Close voting"), "now-toggle"));
        else if (p.status !== "open" && !(step && step.event === "open_prompt" && step.prompt === p)) {
          more.appendChild(action("open_prompt", p, p.status === "closed" ? t("Reopen question %(n)d", {n: p.order}) : t("Open question %(n)d", {n: p.order}), "now-toggle"));
        }
      }
      if (!(step && step.event === "show_results")) {
        more.appendChild(action("show_results", p, p.results_visible ? t("Hide results") : t("Show results"), "now-results", undefined, p.results_visible ? "false" : "true"));
      }
      box.appendChild(more);
      var tally = h("div", {cls: "tally", id: "now-tally"});
      if (S.results[p.id]) { tally.appendChild(L.legend()); tally.appendChild(L.results(S.results[p.id], p)); }
      box.appendChild(tally);
    }, pending ? "confirm-yes" : "next-step");
    if (pending && !box.contains(document.activeElement)) document.getElementById("confirm-yes").focus();
  }

  function confirmBox() {
    return h("div", {cls: "confirm", id: "confirm", role: "alertdialog", "aria-labelledby": "confirm-text"}, [
      h("p", {id: "confirm-text", text: pending.text}),
      h("div", {cls: "actions"}, [
        h("button", {type: "button", id: "confirm-yes", cls: pending.name === "end_workshop" ? "danger" : "", text: t("Yes, do it")}),
        h("button", {type: "button", id: "confirm-no", cls: "secondary", text: t("Cancel")})])]);
  }

  function renderAgenda() {
    var list = document.getElementById("agenda-list"), cur = currentPrompt();
    L.keeping(list, function () {
      list.textContent = "";
      S.prompts.forEach(function (p) {
        var r = S.results[p.id], acts = canModerate ? h("div", {cls: "actions"}) : null;
        if (canModerate && !ended()) {
          acts.appendChild(p.status === "open" ? action("close_prompt", p, t("Close"), "toggle-" + p.id, undefined, undefined,
              t("Question %(n)d", {n: p.order}))
            : action("open_prompt", p, p.status === "closed" ? t("Reopen") : t("Open"), "toggle-" + p.id, undefined, undefined,
              t("Question %(n)d", {n: p.order})));
        }
        if (canModerate && p.status !== "pending") {
          acts.appendChild(action("show_results", p, p.results_visible ? t("Hide results") : t("Show results"), "results-" + p.id, undefined,
            p.results_visible ? "false" : "true", t("Question %(n)d", {n: p.order})));
        }
        list.appendChild(h("li", {id: "agenda-" + p.id, cls: cur && cur.id === p.id ? "current" : null}, [
          h("div", {cls: "row"}, [L.userText("p", p.order + ". " + p.text, {cls: "qtext"}), status(SHORT[p.status], p.status),
            r && p.status !== "pending" ? h("span", {cls: "meta", text: L.tn("%(num)d vote", "%(num)d votes", r.votes_total)}) : null]),
          acts]));
      });
    }, "agenda-h");
    var badge = document.getElementById("workshop-status");
    badge.textContent = {draft: t("not started"), live: t("running"), ended: t("ended")}[S.workshop.status] || S.workshop.status;
    badge.className = "status status-" + S.workshop.status;
    var end = document.getElementById("end-workshop");
    if (ended() && end) end.closest(".head-end").remove();  // the summary link is next to it
    var hint = document.getElementById("end-hint");
    if (ended() && hint) hint.replaceWith(h("p", {}, [t("The workshop has ended.") + " ",
      h("a", {href: "/w/" + code + "/summary", text: t("Summary and report")})]));
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
    var prompt = L.byId(S.prompts, p.prompt_id);
    var meta = [t("Q%(n)d", {n: prompt ? prompt.order : 0}) + " · "].concat(L.positionMeta(p, prompt));
    if (p.author_name) meta.push(" · " + t("by") + " ", L.userText("span", p.author_name));
    meta.push(" · ", status(POSITION_STATUS[p.status] || p.status, p.status));
    if (p.pinned) meta.push(" · ", h("strong", {text: t("pinned")}));
    var li = h("li", {id: "position-" + p.id, cls: "position pos-" + p.status + (p.pinned ? " pinned" : "")}, [
      L.userText("p", p.text, {cls: "text"}), h("p", {cls: "meta"}, meta), L.counts(p)]);
    if (canModerate && !ended()) {
      var buttons = [];
      if (p.status !== "visible") buttons.push(["approve", t("Approve"), "small"]);
      if (p.status !== "hidden") buttons.push(["hide", t("Hide"), "secondary small"]);
      if (p.status === "visible") buttons.push(p.pinned ? ["unpin", t("Unpin"), "secondary small"] : ["pin", t("Pin"), "secondary small"]);
      li.appendChild(L.form(base + "moderate", "moderate_position", {position_id: p.id}, [
        h("label", {cls: "visually-hidden", "for": "reason-" + p.id, text: t("Reason (optional)")}),
        h("input", {id: "reason-" + p.id, name: "reason", type: "text", placeholder: t("Reason (optional)"), maxlength: 500}),
        h("div", {cls: "actions"}, buttons.map(function (b) {
          return h("button", {type: "submit", name: "action", value: b[0], cls: b[2], id: "mod-" + p.id + "-" + b[0], text: b[1]});
        }))], "moderate"));
    }
    return li;
  }

  function renderPositions() {
    var section = document.getElementById("positions"), ul = section.querySelector("ul");
    var items = S.positions.slice().sort(function (a, b) { return b.id - a.id; });
    document.getElementById("positions-count").textContent = "(" + items.length + ")";
    L.keeping(section, function () {
      ul.textContent = "";
      items.forEach(function (p) { ul.appendChild(positionItem(p)); });
      if (!items.length) ul.appendChild(h("li", {cls: "empty hint", text: t("No positions yet.")}));
      S.prompts.forEach(function (prompt) {
        var older = L.olderButton(S, socket, prompt.id, renderPositions);
        if (older) {
          older.textContent = t("Question %(n)d: show older positions", {n: prompt.order});
          ul.appendChild(h("li", {}, [older]));
        }
      });
    }, "positions-h");
  }

  function renderAll() {
    var flashes = document.querySelector(".flashes");
    if (flashes && S && renderAll.done) flashes.remove();  // earlier messages no longer apply
    renderNow(); renderOpinion(); renderAgenda(); renderParticipation(); renderPositions(); renderFloor(); renderClock();
    renderAll.done = true;
  }

  /* The current question's opinion map: the groups with their room/online split, a small map, the
     statements agreed across groups, and (moderators) the button that shows it to the room. */
  function renderOpinion() {
    var section = document.getElementById("opinion"), p = currentPrompt(), M = window.OpinionMap;
    if (!section || !M) return;
    L.keeping(section, function () {
      section.textContent = "";
      if (!p) return;
      section.appendChild(h("h2", {id: "opinion-h"}, [t("Opinion map") + " ", h("span", {cls: "meta", id: "opinion-shown",
        text: p.opinion_visible ? t("shown on the screen and phones") : t("not shown to the room")})]));
      if (canModerate) {
        section.appendChild(h("div", {cls: "actions", id: "opinion-actions"}, [action("show_opinion_map", p,
          p.opinion_visible ? t("Hide the opinion map") : t("Show the opinion map"), "opinion-toggle", undefined,
          p.opinion_visible ? "false" : "true")]));
      }
      section.appendChild(h("div", {id: "opinion-body"}, [M.render((S.opinion || {})[p.id], S.positions, {reps: 3, consensus: 3, dot: 0.035})]));
    }, "opinion-h");
  }

  function renderFloor() {
    var section = document.getElementById("floor");
    if (section && F && S.floor) F.renderStaff(section, S.floor, floorOptions);
  }
  function renderClock() {
    var section = document.getElementById("clock");
    if (section && F && S.agenda) F.renderClock(section, S.agenda, floorOptions);
  }

  function onPosition(p) { if (S) { L.upsert(S.positions, p); renderPositions(); } }

  var socket = L.connect({workshop: code}, {
    state: function (s) { S = s; pending = null; renderAll(); },
    prompt_changed: function (p) {
      if (!S) return;
      L.applyPrompt(S, p);
      pending = null;
      renderAll();
    },
    results: function (r) {
      if (!S || !L.keepLatest(S.results, r)) return;
      var p = currentPrompt(), tally = document.getElementById("now-tally");
      if (p && p.id === r.prompt_id && tally) {
        tally.textContent = "";
        tally.appendChild(L.legend());
        tally.appendChild(L.results(r, p));
      }
      renderAgenda();
    },
    participation: function (part) { if (S) { S.workshop.participants = part; renderParticipation(); } },
    position_added: onPosition,
    position_changed: onPosition,
    workshop_changed: function (w) { if (S) { S.workshop.status = w.status; pending = null; renderAll(); } },
    floor: function (f) { if (S) { S.floor = f; renderFloor(); } },
    agenda: function (a) { if (S) { S.agenda = a; renderClock(); } },
    opinion: function (o) {
      if (!S || !L.keepLatest(S.opinion = S.opinion || {}, o)) return;
      var p = currentPrompt();
      if (p && p.id === o.prompt_id) renderOpinion();
    }
  });

  var payloads = {
    open_prompt: function (f) { return {prompt_id: +f.elements.prompt_id.value}; },
    close_prompt: function (f) { return {prompt_id: +f.elements.prompt_id.value}; },
    show_results: function (f) { return {prompt_id: +f.elements.prompt_id.value, visible: f.elements.visible.value === "true"}; },
    show_opinion_map: function (f) { return {prompt_id: +f.elements.prompt_id.value, visible: f.elements.visible.value === "true"}; },
    moderate_position: function (f, button) {
      var payload = {position_id: +f.elements.position_id.value, action: button ? button.value : "hide"};
      if (f.elements.reason.value.trim()) payload.reason = f.elements.reason.value.trim();
      return payload;
    },
    end_workshop: function () { return {}; }
  };
  if (F) Object.keys(F.payloads).forEach(function (name) { payloads[name] = F.payloads[name]; });
  var SAID = {open_prompt: t("Question opened."), close_prompt: t("Question closed."), moderate_position: t("Position updated."),
    end_workshop: t("The workshop has ended."), add_speaker: t("Speaker added to the queue."), call_speaker: t("The speaker has the floor."),
    end_speech: t("The speech has ended."), remove_hand: t("Hand removed from the queue."), move_hand: t("Hand moved."),
    set_floor: t("Floor settings saved."), advance_agenda: t("Agenda moved.")};

  function done(name, ack, payload, fromOutbox, f) {
    if (!ack.ok) return;
    if (name === "set_floor") {  // settings saved: fold them away so the queue is back in view
      var settings = document.getElementById("floor-settings");
      if (settings) { settings.open = false; settings.querySelector("summary").focus(); }
    }
    if (name === "add_speaker" && f) {
      var who = f.querySelector("#speaker-name");
      if (who) { who.value = ""; who.focus(); }
    }
    L.say(name === "show_results" ? (payload.visible ? t("Results are shown.") : t("Results are hidden."))
      : name === "show_opinion_map" ? (payload.visible ? t("The opinion map is shown.") : t("The opinion map is hidden.")) : SAID[name]);
  }

  /* Ask before an action that ends a live vote or the workshop: the form's data-confirm. */
  root.addEventListener("submit", function (e) {
    var f = e.target, name = f.getAttribute("data-event");
    if (!S || !name || !socket.connected) return;  // without a connection the form post asks on the server
    var payload = payloads[name](f), ask = confirmation(name, payload.prompt_id === undefined ? null : payload.prompt_id);
    if (!ask) return;  // asked with today's figures, not those of when the button was drawn
    e.preventDefault();
    e.stopImmediatePropagation();
    pending = {name: name, payload: payload, text: ask, returnTo: (e.submitter || f.querySelector("button")).id};
    renderNow();
    document.getElementById("confirm-yes").focus();
  }, true);
  root.addEventListener("click", function (e) {
    var id = e.target.id;
    if (!pending || (id !== "confirm-yes" && id !== "confirm-no")) return;
    var chosen = pending;
    pending = null;
    if (id === "confirm-no") {
      renderNow();
      var back = document.getElementById(chosen.returnTo) || document.getElementById("next-step");
      if (back) back.focus();
      return;
    }
    e.target.setAttribute("aria-disabled", "true");
    socket.timeout(10000).emit(chosen.name, chosen.payload, function (err, ack) {
      if (err) ack = {ok: false, error: {message: t("No answer from the server. Please try again.")}};
      if (!ack.ok) L.say(ack.error && ack.error.message || t("That did not work."), "error");
      done(chosen.name, ack, chosen.payload);
      renderNow();
      var back = document.getElementById("next-step") || document.getElementById("now-h");
      if (back && (!document.activeElement || document.activeElement === document.body)) back.focus();
    });
  });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pending) { e.preventDefault(); document.getElementById("confirm-no").click(); }
  });

  L.takeOver(root, socket, payloads, done);

  /* The rapporteur's report: saved as they type (update_report), a second after the last key. */
  var report = root.querySelector("form[data-report]"), saveTimer = null, saved = document.getElementById("report-saved");
  function reportPayload() {
    var p = {summary: report.elements.summary.value, gender_balance: report.elements.gender_balance.value,
      moderators: report.elements.moderators.value};
    ["key_takeaways", "calls_to_action"].forEach(function (k) {
      p[k] = [].map.call(report.querySelectorAll("[data-list=" + k + "]"), function (el) { return el.value; })
        .filter(function (v) { return v.trim(); });
    });
    return p;
  }
  function saveReport() {
    saveTimer = null;
    if (!socket.connected) { saved.textContent = t("not saved yet: no connection"); return; }
    saved.textContent = t("saving…");
    socket.timeout(10000).emit("update_report", reportPayload(), function (err, ack) {
      if (err || !ack.ok) {
        saved.textContent = t("not saved");
        L.say(err ? t("No answer from the server. Please try again.") : (ack.error && ack.error.message) || t("That did not work."), "error");
        return;
      }
      saved.textContent = t("saved at %(time)s", {time: new Date().toTimeString().slice(0, 5)});
    });
  }
  if (report) {
    report.addEventListener("input", function () {
      saved.textContent = t("editing…");
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(saveReport, 1000);
    });
    report.addEventListener("submit", function (e) {
      if (!socket.connected) return;  // the form post saves it
      e.preventDefault();
      if (saveTimer) clearTimeout(saveTimer);
      saveReport();
    });
    socket.on("connect", function () { if (saved.textContent === t("not saved yet: no connection")) saveReport(); });
  }
})();
