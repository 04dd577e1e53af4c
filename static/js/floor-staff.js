/* The floor and the agenda clock for the moderators, the rapporteur and the projector: the queue
   with its controls, the projector's speaker strip, the clock. Needs floor.js. */
(function () {
  "use strict";
  var L = window.Live, F = window.Floor;
  if (!L || !F) return;
  var h = L.h, t = L.t, who = F.who, badges = F.badges, countdown = F.countdown, post = F.post,
    sync = F.sync, tick = F.tick;

  function handRow(hand, place, o) {
    var li = h("li", {id: "hand-" + hand.id, cls: "hand" + (hand.kind === "point_of_order" ? " poo" : "")}, [
      h("span", {cls: "place", "aria-label": t("Place %(n)d", {n: place}), text: String(place)}),
      h("span", {cls: "who"}, badges(hand).concat([" ", L.userText("strong", who(hand)),
        hand.stakeholder_group ? h("span", {cls: "meta", text: " " + (L.GROUPS[hand.stakeholder_group] || "")}) : null,
        hand.added_by === "moderator" ? h("span", {cls: "meta", text: " " + t("added by a moderator")}) : null])),
      hand.note ? L.userText("span", hand.note, {cls: "note"}) : null]);
    if (o.canModerate) {
      var base = "/m/" + o.code + "/floor/";
      li.appendChild(h("span", {cls: "actions"}, [
        post(base + "call", "call_speaker", {hand_id: hand.id}, h("button", {type: "submit", cls: "small", id: "call-" + hand.id},
          [t("Call"), h("span", {cls: "visually-hidden", text: " " + who(hand)})])),
        place > 1 ? post(base + "move", "move_hand", {hand_id: hand.id, place: place - 1}, h("button", {type: "submit",
          cls: "secondary small", id: "up-" + hand.id, "aria-label": t("Move %(who)s up", {who: who(hand)}), text: "↑"})) : null,
        post(base + "remove", "remove_hand", {hand_id: hand.id}, h("button", {type: "submit", cls: "secondary small",
          id: "remove-" + hand.id, "aria-label": t("Take %(who)s off the queue", {who: who(hand)}), text: "✕"}))]));
    }
    return li;
  }

  /* The moderators' and the rapporteur's floor: the current speech, the next speaker, the queue. The
     online desk sees online hands first (each keeps its place in the call order). */
  function renderStaff(section, floor, o) {
    sync(floor.now);
    var fresh = [];
    fresh.push(h("h2", {id: "floor-h"}, [t("Floor") + " ", h("span", {cls: "status status-" + (floor.open ? "open" : "closed"),
      text: floor.open ? t("open to requests") : t("closed to requests")}), " ",
      h("span", {cls: "meta", text: L.tn("%(num)d waiting", "%(num)d waiting", floor.queue_total)})]));
    var s = floor.current, current = h("div", {id: "floor-current", cls: "speaking" + (s ? "" : " idle")});
    if (s) {
      current.appendChild(h("p", {}, badges(s).concat([" ", L.userText("strong", who(s)), " " + t("has the floor") + " · ", countdown(s)])));
      if (o.canModerate) current.appendChild(post("/m/" + o.code + "/floor/end", "end_speech", {},
        h("button", {type: "submit", cls: "secondary small", id: "end-speech", text: t("End the speech")})));
    } else {
      current.appendChild(h("p", {cls: "meta", text: t("Nobody has the floor.")}));
    }
    fresh.push(current);
    var queue = floor.queue;
    if (o.canModerate && queue.length) {
      var next = post("/m/" + o.code + "/floor/next", "call_speaker", {hand_id: queue[0].id},
        h("button", {type: "submit", id: "next-speaker", text: t("Next speaker: %(who)s", {who: who(queue[0])})}));
      next.className = "next";
      fresh.push(next);
    }
    function list(hands, id) {
      var ol = h("ol", {cls: "queue", id: id});
      hands.forEach(function (hand) { ol.appendChild(handRow(hand, queue.indexOf(hand) + 1, o)); });
      if (!hands.length) ol.appendChild(h("li", {cls: "meta", text: id ? t("Nobody is waiting.") : t("No hands.")}));
      return ol;
    }
    if (o.desk === "online") {
      [["online", t("Online hands")], ["onsite", t("In the room")]].forEach(function (c) {
        fresh.push(h("h3", {cls: "queue-h", text: c[1]}));
        fresh.push(list(queue.filter(function (x) { return x.attendance === c[0]; }), null));
      });
    } else {
      fresh.push(list(queue, "floor-queue"));
    }
    L.keeping(section, function () {
      var tools = [].slice.call(section.querySelectorAll(":scope > details"));  // forms kept as they are
      section.textContent = "";
      fresh.forEach(function (el) { section.appendChild(el); });
      tools.forEach(function (el) { section.appendChild(el); });
      var open = section.querySelector("#floor-open"), alt = section.querySelector("#floor-alternate"),
        secs = section.querySelector("#floor-seconds");
      if (open && document.activeElement !== open) open.checked = floor.open;
      if (alt && document.activeElement !== alt) alt.checked = floor.alternate;
      if (secs && document.activeElement !== secs) secs.value = String(floor.speaking_seconds);
    }, "floor-h");
    tick();
  }

  /* The projector's strip: who speaks, the countdown, the next three. */
  function renderStrip(strip, floor) {
    sync(floor.now);
    var s = floor.current, parts = [];
    if (s) parts.push(h("span", {cls: "speaker"}, [t("Now speaking:") + " ", L.userText("strong", who(s)), " "].concat(badges(s), [" ", countdown(s)])));
    if (floor.queue.length) {
      var next = h("span", {cls: "next"}, [t("Next:") + " "]);
      floor.queue.slice(0, 3).forEach(function (hand, i) {
        if (i) next.appendChild(document.createTextNode(", "));
        next.appendChild(L.userText("span", who(hand)));
        // A name gets its channel; the neutral label already says it.
        if (hand.name) next.appendChild(document.createTextNode(" (" + (hand.attendance === "onsite" ? t("room") : t("online")) + ")"));
      });
      parts.push(next);
    }
    strip.textContent = "";
    parts.forEach(function (el) { strip.appendChild(el); });
    strip.hidden = !parts.length;
    tick();
  }

  /* The agenda clock: the current item, time used and left for it and for the session. */
  function renderClock(section, agenda, o) {
    sync(agenda.now);
    var items = agenda.items, total = items.reduce(function (n, i) { return n + (i.minutes || 0); }, 0), parts = [];
    parts.push(h("h2", {id: "clock-h", cls: "visually-hidden", text: t("Agenda")}));
    if (agenda.current !== null && items[agenda.current]) {
      var item = items[agenda.current];
      parts.push(h("p", {cls: "clock-now"}, [L.userText("strong", item.title), " ",
        h("span", {cls: "timer", "data-since": agenda.item_started_at, "data-minutes": item.minutes || ""}), " ",
        h("span", {cls: "timer session", "data-since": agenda.started_at, "data-minutes": total})]));
    } else {
      parts.push(h("p", {cls: "clock-now", text: t("The agenda has not started.")}));
    }
    if (o && o.canModerate && items.length) {
      var actions = h("div", {cls: "actions"}), base = "/m/" + o.code + "/agenda";
      if (agenda.current !== null && agenda.current > 0) actions.appendChild(post(base, "advance_agenda", {item: agenda.current - 1},
        h("button", {type: "submit", cls: "secondary small", id: "agenda-back", text: t("Previous item")})));
      if (agenda.current === null || agenda.current + 1 < items.length) actions.appendChild(post(base, "advance_agenda",
        {item: agenda.current === null ? 0 : agenda.current + 1}, h("button", {type: "submit", cls: "secondary small", id: "agenda-next",
          text: agenda.current === null ? t("Start the agenda") : t("Next item")})));
      parts.push(actions);
    }
    var plan = h("ol");
    items.forEach(function (i, n) {
      plan.appendChild(h("li", {cls: n === agenda.current ? "current" : null}, [L.userText("span", i.title), " ",
        h("span", {cls: "meta", text: t("%(n)s min", {n: i.minutes || 0})})]));
    });
    var details = section.querySelector("details.plan");
    var wasOpen = details && details.open;
    details = h("details", {cls: "plan", open: wasOpen || null}, [h("summary", {text: t("The plan")}), plan]);
    parts.push(details);
    L.keeping(section, function () {
      section.textContent = "";
      parts.forEach(function (el) { section.appendChild(el); });
    }, "clock-h");
    tick();
  }

  /* The projector's header: the current agenda item and its time. */
  function renderAgendaNow(el, agenda) {
    sync(agenda.now);
    var item = agenda.current !== null ? agenda.items[agenda.current] : null;
    el.textContent = "";
    el.hidden = !item;
    if (item) {
      el.appendChild(L.userText("span", item.title, {cls: "title"}));
      el.appendChild(h("span", {cls: "timer", "data-since": agenda.item_started_at, "data-minutes": item.minutes || ""}));
    }
    tick();
  }

  var payloads = {
    call_speaker: function (f) { return {hand_id: +f.elements.hand_id.value}; },
    end_speech: function () { return {}; },
    remove_hand: function (f) { return {hand_id: +f.elements.hand_id.value}; },
    move_hand: function (f) { return {hand_id: +f.elements.hand_id.value, place: +f.elements.place.value}; },
    add_speaker: function (f) {
      var name = f.elements.name.value.trim();
      if (!name) return t("Give the speaker's name.");
      var attendance = f.querySelector("input[name=attendance]:checked") || f.elements.attendance;
      var p = {name: name, attendance: attendance.value};
      if (f.elements.stakeholder_group && f.elements.stakeholder_group.value) p.stakeholder_group = f.elements.stakeholder_group.value;
      var kind = f.querySelector("input[name=kind]");
      if (kind && kind.checked) p.kind = "point_of_order";
      return p;
    },
    set_floor: function (f) {
      return {open: f.querySelector("#floor-open").checked, alternate: f.querySelector("#floor-alternate").checked,
        speaking_seconds: +f.elements.speaking_seconds.value};
    },
    advance_agenda: function (f) { return {item: +f.elements.namedItem("item").value}; }  // elements.item is a method
  };

  Object.keys(payloads).forEach(function (name) { F.payloads[name] = payloads[name]; });
  F.renderStaff = renderStaff;
  F.renderStrip = renderStrip;
  F.renderClock = renderClock;
  F.renderAgendaNow = renderAgendaNow;
})();
