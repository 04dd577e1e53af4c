/* Facilitator live pages: shared helpers (strings, element builder, results bars, socket,
   form take-over with an offline outbox, focus keeping). Plain JS, no build step.
   User text only ever goes in through textContent, with dir="auto". */
(function () {
  "use strict";

  /* Strings: English in the code, translations from the page's JSON block (i18n.py). */
  var messages = {};
  try {
    var block = document.getElementById("messages");
    if (block) messages = JSON.parse(block.textContent);
  } catch (e) { messages = {}; }
  var lang = document.documentElement.lang || "en";
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;

  function fill(text, vars) {
    return text.replace(/%\((\w+)\)[sd]|%%/g, function (m, k) {
      if (m === "%%") return "%";
      return vars && k in vars ? String(vars[k]) : m;
    });
  }
  /* The key of a string in the page's translations: FNV-1a over its UTF-16 code units, base 36
     (facilitator/i18n.py message_key does the same). */
  function key(text) {
    for (var h = 0x811c9dc5, i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(36);
  }
  function t(text, vars) { return fill(messages[key(text)] || text, vars); }
  function tn(singular, plural, n, vars) {
    var forms = messages[key(singular + "\u0000" + plural)], v = {num: n};
    Object.keys(vars || {}).forEach(function (k) { v[k] = vars[k]; });
    if (forms) {
      var category = plurals ? plurals.select(n) : (n === 1 ? "one" : "other");
      return fill(forms[category] || forms.other, v);
    }
    return fill(n === 1 ? singular : plural, v);
  }

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
  /* Text someone typed (a position, a title, an option): its own direction. */
  function userText(tag, text, attrs) {
    attrs = attrs || {};
    attrs.dir = "auto";
    attrs.text = text;
    return h(tag, attrs);
  }

  function pct(n, total) { return total ? Math.round(100 * n / total) : 0; }
  /* Numbers as the page's language writes them ("50 %" in French, "50٪" in Arabic), Latin digits
     as the server writes them (i18n.py). */
  var numbers = null, percents = null;
  try {
    numbers = new Intl.NumberFormat(lang + "-u-nu-latn");
    percents = new Intl.NumberFormat(lang + "-u-nu-latn", {style: "percent"});
  } catch (e) { numbers = percents = null; }
  function num(n) { return numbers ? numbers.format(n) : String(n); }
  function percent(n, total) { var p = pct(n, total); return percents ? percents.format(p / 100) : p + "%"; }
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

  var ATTENDANCE = {onsite: t("In the room"), online: t("Online")};
  var GROUPS = {government: t("Government"), civil_society: t("Civil society"), private_sector: t("Private sector"),
    technical_community: t("Technical community"), academia: t("Academia"),
    intergovernmental: t("Intergovernmental organization"), media: t("Media"), other: t("Other"),
    unspecified: t("Not given")};

  function legend() {
    return h("p", {cls: "legend", "aria-hidden": "true"}, [
      h("span", {}, [h("span", {cls: "swatch onsite"}), t("In the room")]),
      h("span", {}, [h("span", {cls: "swatch online"}), t("Online (striped)")])]);
  }

  function split(onsite, online) {
    return t("%(n)d in the room", {n: onsite}) + " · " + t("%(n)d online", {n: online});
  }

  /* An option's label from the prompt, in the page's language; RESULTS carry the originals. */
  function labelOf(prompt, o) {
    var found = prompt && prompt.options.filter(function (po) { return po.id === o.id; })[0];
    return found ? found.label : o.label;
  }
  /* The same markup as the results_block macro of templates/participation/_live.html. */
  function results(r, prompt, screen) {
    var total = r.votes_total, frag = document.createDocumentFragment();
    frag.appendChild(h("p", {cls: "meta results-total",
      text: tn("%(num)d person voted", "%(num)d people voted", total) + " · " + split(r.voters.onsite, r.voters.online)}));
    var ul = h("ul", {cls: "results" + (screen && r.options.length > 5 ? " many" : "")});
    r.options.forEach(function (o) {
      var bar = h("div", {cls: "bar", "aria-hidden": "true"}, [
        h("span", {cls: "onsite", style: width(o.onsite, total)}),
        h("span", {cls: "online", style: width(o.online, total)})]);
      var splitText = h("p", {cls: "split", text: split(o.onsite, o.online)});
      ul.appendChild(h("li", {}, [
        h("div", {cls: "label"}, [userText("span", labelOf(prompt, o), {cls: "option-label"}),
          h("span", {cls: "figure", text: percent(o.count, total) + " · " + num(o.count)})]),
        screen ? h("div", {cls: "bar-row"}, [bar, splitText]) : bar,
        screen ? null : splitText]));
    });
    frag.appendChild(ul);
    if (prompt && prompt.kind === "multiple") {
      frag.appendChild(h("p", {cls: "multi-note", text: t("Several answers allowed: the percentages add up to more than 100%%.")}));
    }
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
    return h("p", {cls: "counts", text: t("%(n)d agree", {n: p.agree}) + " · " + t("%(n)d disagree", {n: p.disagree}) +
      " · " + t("%(n)d pass", {n: p.pass})});
  }

  /* "In the room · Academia · for “Option”" (what this client may see of the author). */
  function positionMeta(p, prompt) {
    var bits = [];
    if (p.attendance) bits.push(ATTENDANCE[p.attendance]);
    if (p.stakeholder_group) bits.push(GROUPS[p.stakeholder_group]);
    var option = prompt && prompt.options.filter(function (o) { return o.id === p.option_id; })[0];
    var out = [bits.join(" · ")];
    if (option) out.push((bits.length ? " · " : "") + t("for") + " “", userText("span", option.label), "”");
    return out;
  }

  function upsert(list, item) {
    for (var i = 0; i < list.length; i++) if (list[i].id === item.id) { list[i] = item; return; }
    list.push(item);
  }

  function byId(list, id) { return list.filter(function (x) { return x.id === id; })[0] || null; }

  /* Apply a prompt_changed to a held state: the prompt, the agenda order, which prompt is open. */
  function applyPrompt(S, p) {
    upsert(S.prompts, p);
    S.prompts.sort(function (a, b) { return a.order - b.order; });
    if (p.status === "open") S.open_prompt_id = p.id;
    else if (S.open_prompt_id === p.id) S.open_prompt_id = null;
  }

  /* The question screens and phones are on: the open one, else the one closed last (state.py). */
  function displayPrompt(S) {
    var open = byId(S.prompts, S.open_prompt_id);
    if (open) return open;
    var closed = S.prompts.filter(function (p) { return p.status === "closed" && p.closed_at; });
    closed.sort(function (a, b) { return a.closed_at < b.closed_at ? 1 : -1; });
    return closed[0] || null;
  }
  function shownResults(S) {
    var p = displayPrompt(S);
    return p && S.results[p.id] ? p : null;
  }

  /* Re-render without losing what is typed or where the focus is: every control has an id;
     when the focused one is gone, focus goes to `fallback` (an element or an id). */
  function keeping(root, fn, fallback) {
    var active = document.activeElement, focusId = active && active !== document.body && active.id, values = {};
    root.querySelectorAll("input[id]:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea[id], select[id]")
      .forEach(function (el) { values[el.id] = el.value; });
    fn();
    Object.keys(values).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && values[id] && !el.value) el.value = values[id];
    });
    if (!focusId || document.activeElement === active) return;
    var again = document.getElementById(focusId);
    if (!again && fallback) again = typeof fallback === "string" ? document.getElementById(fallback) : fallback;
    if (again && again !== document.activeElement) again.focus();
  }

  function clientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var s = "";
    for (var i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
    return s;
  }

  /* One polite live region per page: acks, errors and changes, each said once. */
  var sayTimer = null;
  function say(text, kind) {
    var el = document.getElementById("ack");
    if (!el) return;
    el.textContent = text || "";
    el.className = "ack" + (kind ? " " + kind : (text ? " ok" : ""));
    clearTimeout(sayTimer);
    if (text && !kind) sayTimer = setTimeout(function () { el.textContent = ""; }, 8000);  // errors stay
  }

  function store(key, value) {
    try {
      if (value === undefined || value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode: the page still works, it only forgets */ }
  }
  function load(key, fallback) {
    try { var v = localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }

  /* Actions made while the socket is down, kept on the device and sent when it comes back.
     Retrying is safe: a vote or a reaction replaces the earlier one, a position has its client_id. */
  function Outbox(code) {
    this.key = "facilitator:outbox:" + code;
    this.items = load(this.key, []);
  }
  Outbox.prototype.save = function () { store(this.key, this.items.length ? this.items : null); };
  Outbox.prototype.put = function (name, payload, same) {
    this.items = this.items.filter(function (i) { return !(i.name === name && same && same(i.payload)); });
    this.items.push({name: name, payload: payload});
    this.save();
  };
  Outbox.prototype.flush = function (socket, done) {
    var self = this;
    if (self.sending || !self.items.length || !socket.connected) return;
    self.sending = true;
    var item = self.items[0];
    socket.timeout(10000).emit(item.name, item.payload, function (err, ack) {
      self.sending = false;
      if (err) return;  // still no answer: kept for the next connection
      self.items.shift();
      self.save();
      done(item.name, ack, item.payload, true);
      self.flush(socket, done);
    });
  };

  /* The workshop's own words in the page's language where it gives them (CONTRACT §11): each
     object with "translations" {"fr": ...} has its text, label or title replaced, in place. */
  var SKIP = {positions: 1, results: 1, floor: 1, participants: 1};
  function localize(value) {
    if (Array.isArray(value)) { value.forEach(localize); return value; }
    if (!value || typeof value !== "object") return value;
    Object.keys(value).forEach(function (k) { if (!SKIP[k]) localize(value[k]); });
    var text = value.translations && value.translations[lang];
    if (text) {
      var key = "text" in value ? "text" : "label" in value ? "label" : "title" in value ? "title" : null;
      if (key) value[key] = text;
    }
    return value;
  }

  /* Connect to /live; the browser's session cookie says who we are. */
  function connect(auth, handlers) {
    if (!window.io) return null;
    var status = document.getElementById("live-status");
    auth.lang = auth.lang || lang;  // acks and refusals in the page's language (CONTRACT §11)
    var socket = io("/live", {auth: auth, transports: ["websocket", "polling"], tryAllTransports: true});
    function show(text, cls) { if (status) { status.textContent = text; status.className = "live-status " + cls; } }
    socket.on("connect", function () { show(t("Live"), "on"); });
    socket.on("disconnect", function () { show(t("Connection lost, reconnecting…"), "off"); });
    socket.on("connect_error", function (err) {
      var data = err && err.data;
      show(t("Not connected"), "off");
      if (data && data.message) say(data.message, "error");
    });
    Object.keys(handlers).forEach(function (name) {
      socket.on(name, function (payload) { handlers[name](localize(payload)); });
    });
    return socket;
  }

  function setBusy(f, busy) {
    f.querySelectorAll("button").forEach(function (b) {
      if (busy) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
    });
    f.setAttribute("data-busy", busy ? "1" : "");
  }

  /* Send forms marked data-event over the socket instead of posting them.
     While the socket reconnects, `offline(name, payload, form)` decides: true when it kept the
     action (an outbox), else the page says to wait. A form posts as usual only when there is
     no live connection to wait for (no script support, or the server refused the socket). */
  function takeOver(root, socket, payloads, done, offline) {
    var lastButton = null;
    root.addEventListener("click", function (e) {
      lastButton = e.target.closest && e.target.closest("button[type=submit], button:not([type])");
    });
    root.addEventListener("submit", function (e) {
      var f = e.target, name = f.getAttribute("data-event");
      if (!name || !socket || !payloads[name]) return;
      if (!socket.connected && !socket.active) return;  // refused for good: the form post still works
      e.preventDefault();
      if (f.getAttribute("data-busy")) return;
      var button = e.submitter || lastButton;
      var payload = payloads[name](f, button);
      if (payload === null) return;
      if (typeof payload === "string") { say(payload, "error"); return; }
      if (!socket.connected) {
        if (!(offline && offline(name, payload, f))) say(t("No connection right now. Wait until it says Live, then try again."), "error");
        return;
      }
      setBusy(f, true);
      socket.timeout(10000).emit(name, payload, function (err, ack) {
        setBusy(f, false);
        if (err) {
          if (!(offline && offline(name, payload, f))) say(t("No answer from the server. Please try again."), "error");
          return;
        }
        if (!ack.ok) say(ack.error && ack.error.message || t("That did not work."), "error");
        done(name, ack, payload, false, f);
      });
    });
  }

  /* "Show older positions" of a prompt when `state` held only the newest (CONTRACT §12). */
  function olderButton(S, socket, promptId, done) {
    var loaded = S.positions.filter(function (p) { return p.prompt_id === promptId; });
    var total = (S.positions_total || {})[promptId] || 0;
    if (loaded.length >= total || !loaded.length) return null;
    var button = h("button", {type: "button", cls: "secondary small", id: "older-" + promptId,
      text: t("Show older positions (%(n)d more)", {n: total - loaded.length})});
    button.addEventListener("click", function () {
      var oldest = Math.min.apply(null, loaded.map(function (p) { return p.id; }));
      socket.timeout(10000).emit("get_positions", {prompt_id: promptId, before_id: oldest, limit: 100}, function (err, ack) {
        if (err || !ack.ok) { say(t("Older positions could not be loaded. Please try again."), "error"); return; }
        ack.positions.forEach(function (p) { upsert(S.positions, p); });
        done();
      });
    });
    return button;
  }

  /* Translations of a script loaded later (GET /i18n/NAME.json). */
  function addMessages(more) { Object.keys(more).forEach(function (k) { messages[k] = more[k]; }); }

  window.Live = {addMessages: addMessages, t: t, tn: tn, h: h, userText: userText, form: form, legend: legend, results: results,
    keepLatest: keepLatest, counts: counts, positionMeta: positionMeta, upsert: upsert, byId: byId,
    applyPrompt: applyPrompt, displayPrompt: displayPrompt, shownResults: shownResults, keeping: keeping,
    clientId: clientId, say: say, store: store, olderButton: olderButton, load: load, Outbox: Outbox, connect: connect, takeOver: takeOver,
    ATTENDANCE: ATTENDANCE, GROUPS: GROUPS};
})();
