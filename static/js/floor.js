/* The floor on the live pages: the same markup as templates/floor/_floor.html, the participant's
   Speaking box, and one ticker for every countdown (server time: the payloads carry `now`, so a
   phone's clock being off does not matter). The moderators' and the projector's parts are in
   floor-staff.js: a phone does not download them. */
(function () {
  "use strict";
  var L = window.Live;
  if (!L) return;
  var h = L.h, t = L.t, offset = 0;

  function sync(now) { if (now) offset = Date.parse(now) - Date.now(); }
  function serverNow() { return Date.now() + offset; }
  function mmss(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function who(hand) {
    return hand.name || (hand.attendance === "onsite" ? t("Participant (in the room)") : t("Participant (online)"));
  }
  function badges(hand) {
    var out = [h("span", {cls: "badge badge-" + hand.attendance, text: hand.attendance === "onsite" ? t("ROOM") : t("ONLINE")})];
    if (hand.kind === "point_of_order") out.push(" ", h("span", {cls: "badge badge-poo", text: t("POINT OF ORDER")}));
    return out;
  }
  function countdown(speech) {
    return h("span", {cls: "countdown", "data-ends": speech.ends_at || "", "data-started": speech.started_at});
  }

  /* Every second: speeches count down (then show the overrun), agenda items count up against their plan. */
  function tick() {
    var now = serverNow();
    document.querySelectorAll(".countdown").forEach(function (el) {
      var ends = el.getAttribute("data-ends"), started = Date.parse(el.getAttribute("data-started"));
      if (ends) {
        var left = (Date.parse(ends) - now) / 1000;
        el.textContent = left >= 0 ? t("%(time)s left", {time: mmss(left)}) : t("%(time)s over time", {time: mmss(-left)});
        el.classList.toggle("overrun", left < 0);
      } else if (started) {
        el.textContent = t("speaking for %(time)s", {time: mmss((now - started) / 1000)});
      }
    });
    document.querySelectorAll(".timer").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since")), minutes = +el.getAttribute("data-minutes");
      if (!since) { el.textContent = ""; return; }
      var used = (now - since) / 1000, planned = minutes * 60, label = el.classList.contains("session") ? t("session") : t("item");
      el.textContent = minutes ? (used <= planned ? t("%(label)s: %(used)s of %(planned)s", {label: label, used: mmss(used), planned: mmss(planned)})
        : t("%(label)s: %(over)s over", {label: label, over: mmss(used - planned)})) : label + ": " + mmss(used);
      el.classList.toggle("overrun", minutes > 0 && used > planned);
    });
  }
  setInterval(tick, 1000);

  function post(action, event, fields, button) {
    return L.form(action, event, fields, [button]);
  }

  /* A participant's view: who speaks, my place, ask to speak or lower my hand, a point of order.
     The note and name fields sit below the buttons and belong to the raise form (form="raise-form"). */
  function renderParticipant(section, floor, o) {
    sync(floor.now);
    var mine = floor.my_hands || [], speak = null, poo = null;
    mine.forEach(function (m) { if (m.kind === "point_of_order") poo = m; else speak = m; });
    var base = "/j/" + o.code + "/hand", parts = [h("h2", {id: "floor-h", text: t("Speaking")})], s = floor.current;
    if (s && s.mine) {
      parts.push(h("p", {cls: "speaking mine"}, [h("strong", {text: t("You have the floor.")}), " ", countdown(s)]));
    } else {
      parts.push(s ? h("p", {cls: "speaking"}, [t("Now speaking:") + " "].concat(badges(s), [" ", L.userText("strong", who(s)), " · ", countdown(s)]))
        : h("p", {cls: "meta", text: t("Nobody has the floor.") + " " +
          L.tn("%(num)d waiting to speak.", "%(num)d waiting to speak.", floor.queue_total)}));
      if (speak) parts.push(h("p", {cls: "my-hand", text: t("Your hand is up: you are number %(n)d in the queue.", {n: speak.place})}));
      if (poo) parts.push(h("p", {cls: "my-hand", text: t("Your point of order is number %(n)d.", {n: poo.place})}));
      if (!floor.open && !speak) parts.push(h("p", {cls: "meta", text: t("The moderators are not taking requests to speak right now.")}));
      var row = h("div", {cls: "floor-actions"});
      if (speak) {
        var lower = post(base + "/lower", "lower_hand", {hand_id: speak.id},
          h("button", {type: "submit", cls: "secondary wide", id: "lower-hand", text: t("Lower my hand")}));
        lower.className = "grow";
        row.appendChild(lower);
      } else if (floor.open) {
        var raise = post(base, "raise_hand", {kind: "speak"}, h("button", {type: "submit", cls: "wide", id: "raise-hand", text: t("Ask to speak")}));
        raise.className = "grow";
        raise.id = "raise-form";
        row.appendChild(raise);
      }
      if (!poo) row.appendChild(post(base, "raise_hand", {kind: "point_of_order"},
        h("button", {type: "submit", cls: "secondary", id: "point-of-order", text: t("Point of order")})));
      parts.push(row);
      if (floor.open && !speak) {
        parts.push(h("details", {cls: "hand-extra", open: (section.querySelector("details.hand-extra") || {}).open || null}, [
          h("summary", {text: t("Add a note for the moderators (optional)")}),
          h("div", {cls: "field"}, [h("label", {"for": "hand-note", text: t("What would you like to say? (the moderators see it)")}),
            h("input", {id: "hand-note", name: "note", form: "raise-form", type: "text", maxlength: 140, dir: "auto"})]),
          o.named ? null : h("div", {cls: "field"}, [h("label", {"for": "hand-name", text: t("Your name, to be called (optional)")}),
            h("input", {id: "hand-name", name: "name", form: "raise-form", type: "text", maxlength: 80, dir: "auto"})])]));
      }
    }
    L.keeping(section, function () {
      section.textContent = "";
      parts.forEach(function (el) { section.appendChild(el); });
    }, "floor-h");
    tick();
  }

  /* Socket payloads of the floor's forms (the same fields as the form posts). */
  var payloads = {
    raise_hand: function (f) {
      var p = {kind: f.elements.kind.value};
      var note = f.elements.namedItem("note"), name = f.elements.namedItem("name");  // fields with form="raise-form" count
      if (note && note.value.trim()) p.note = note.value.trim();
      if (name && name.value.trim()) p.name = name.value.trim();
      return p;
    },
    lower_hand: function (f) { return {hand_id: +f.elements.hand_id.value}; }
  };

  window.Floor = {renderParticipant: renderParticipant, payloads: payloads, tick: tick, sync: sync,
    who: who, badges: badges, countdown: countdown, post: post, mmss: mmss};
})();
