/* Facilitator live pages: shared helpers (element builder, results bars, socket, form take-over).
   Plain JS, no build step. User text only ever goes in through textContent. */
(function () {
  "use strict";

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = v;
      else el.setAttribute(k === "cls" ? "class" : k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  function pct(n, total) { return total ? Math.round(100 * n / total) : 0; }
  function width(n, total) { return "width:" + (total ? 100 * n / total : 0) + "%"; }

  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

  function hidden(name, value) { return h("input", {type: "hidden", name: name, value: String(value)}); }

  /* A form that posts without JavaScript too; data-event names the socket event. */
  function form(action, event, fields, children, cls) {
    var f = h("form", {method: "post", action: action, "data-event": event, cls: cls});
    f.appendChild(hidden("csrf_token", csrf));
    Object.keys(fields).forEach(function (k) { f.appendChild(hidden(k, fields[k])); });
    children.forEach(function (c) { if (c) f.appendChild(c); });
    return f;
  }

  function legend() {
    return h("p", {cls: "legend", "aria-hidden": "true"}, [
      h("span", {}, [h("span", {cls: "swatch onsite"}), "In the room"]),
      h("span", {}, [h("span", {cls: "swatch online"}), "Online"])]);
  }

  /* The same markup as the results_block macro of templates/participation/_live.html. */
  function results(r) {
    var total = r.votes_total, frag = document.createDocumentFragment();
    frag.appendChild(h("p", {cls: "meta results-total", text: total + (total === 1 ? " person" : " people") +
      " voted · " + r.voters.onsite + " in the room · " + r.voters.online + " online"}));
    var ul = h("ul", {cls: "results"});
    r.options.forEach(function (o) {
      ul.appendChild(h("li", {}, [
        h("div", {cls: "label"}, [h("span", {text: o.label}),
          h("span", {cls: "figure", text: o.count + " · " + pct(o.count, total) + "%"})]),
        h("div", {cls: "bar", "aria-hidden": "true"}, [
          h("span", {cls: "onsite", style: width(o.onsite, total)}),
          h("span", {cls: "online", style: width(o.online, total)})]),
        h("p", {cls: "split", text: o.onsite + " in the room · " + o.online + " online"})]));
    });
    frag.appendChild(ul);
    return frag;
  }

  /* Keep the figures with the highest version per prompt; true when r is now the latest. */
  function keepLatest(store, r) {
    var old = store[r.prompt_id];
    if (old && old.version > r.version) return false;
    store[r.prompt_id] = r;
    return true;
  }

  function counts(p) {
    return h("p", {cls: "counts", text: p.agree + " agree · " + p.disagree + " disagree · " + p.pass + " pass"});
  }

  function upsert(list, item) {
    for (var i = 0; i < list.length; i++) if (list[i].id === item.id) { list[i] = item; return; }
    list.push(item);
  }

  /* Apply a prompt_changed to a held state: the prompt, the agenda order, which prompt is open. */
  function applyPrompt(S, p) {
    upsert(S.prompts, p);
    S.prompts.sort(function (a, b) { return a.order - b.order; });
    if (p.status === "open") S.open_prompt_id = p.id;
    else if (S.open_prompt_id === p.id) S.open_prompt_id = null;
  }

  /* Re-render a region without losing what the user is typing or where the focus is. */
  function preserving(root, fn) {
    var active = document.activeElement, focusId = active && active.id, values = {};
    root.querySelectorAll("input[id]:not([type=hidden]), textarea[id], select[id]").forEach(function (el) {
      values[el.id] = el.type === "checkbox" || el.type === "radio" ? null : el.value;
    });
    fn();
    Object.keys(values).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && values[id] !== null && !el.value) el.value = values[id];
    });
    var again = focusId && document.getElementById(focusId);
    if (again && again !== document.activeElement) again.focus();
  }

  function clientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var s = "";
    for (var i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
    return s;
  }

  function say(text, isError) {
    var el = document.getElementById("ack");
    if (!el) return;
    el.textContent = text;
    el.className = "ack" + (isError ? " error" : " ok");
  }

  /* Connect to /live; the browser's session cookie says who we are. */
  function connect(auth, handlers) {
    if (!window.io) return null;
    var status = document.getElementById("live-status");
    var socket = io("/live", {auth: auth});
    function show(text, cls) { if (status) { status.textContent = text; status.className = "live-status " + cls; } }
    socket.on("connect", function () { show("Live", "on"); });
    socket.on("disconnect", function () { show("Reconnecting… (the buttons still work)", "off"); });
    socket.on("connect_error", function (err) {
      show("Not connected (the buttons still work)", "off");
      if (err && err.data && err.data.message) say(err.data.message, true);
    });
    Object.keys(handlers).forEach(function (name) { socket.on(name, handlers[name]); });
    return socket;
  }

  /* While connected, send forms marked data-event over the socket instead of posting them. */
  function takeOver(root, socket, payloads, done) {
    var lastButton = null;
    root.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button[type=submit], button:not([type])");
      lastButton = b;
    });
    root.addEventListener("submit", function (e) {
      var f = e.target, name = f.getAttribute("data-event");
      if (!name || !socket || !socket.connected || !payloads[name]) return;
      var button = e.submitter || lastButton;
      var payload = payloads[name](f, button);
      e.preventDefault();
      if (typeof payload === "string") { say(payload, true); return; }
      var buttons = f.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      socket.timeout(10000).emit(name, payload, function (err, ack) {
        buttons.forEach(function (b) { b.disabled = false; });
        if (err) ack = {ok: false, error: {message: "No answer from the server. Please try again."}};
        if (!ack.ok) say(ack.error && ack.error.message || "That did not work.", true);
        done(name, ack, payload, f);
      });
    });
  }

  window.Live = {h: h, form: form, legend: legend, results: results, keepLatest: keepLatest, counts: counts,
    upsert: upsert, applyPrompt: applyPrompt, preserving: preserving, clientId: clientId, say: say, connect: connect, takeOver: takeOver,
    ATTENDANCE: {onsite: "In the room", online: "Online"},
    GROUPS: {government: "Government", civil_society: "Civil society", private_sector: "Private sector",
      technical_community: "Technical community", academia: "Academia",
      intergovernmental: "Intergovernmental organization", media: "Media", other: "Other",
      unspecified: "Not given"}};
})();
