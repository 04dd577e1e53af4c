/* The opinion map (CONTRACT §9): the groups found in the reactions, drawn as an SVG map (each dot a
   participant, placed near those who reacted alike) next to the same information as text: the
   statements agreed across groups, then each group with its size, room/online split and the
   positions it agreed or disagreed with most. Groups are lettered A, B, ... as in the reports, and
   told apart by shape and letter as well as colour. Used by the projector, the console and (loaded
   only once a map is shown) the participant page. */
(function () {
  "use strict";
  var L = window.Live;
  if (!L) return;
  var h = L.h, t = L.t, tn = L.tn, SVG = "http://www.w3.org/2000/svg";
  var lang = document.documentElement.lang || "en", percents = null;
  try { percents = new Intl.NumberFormat(lang + "-u-nu-latn", {style: "percent"}); } catch (e) { percents = null; }
  function share(x) { return percents ? percents.format(Math.round(100 * x) / 100) : Math.round(100 * x) + "%"; }
  function letter(id) { return id >= 0 && id < 26 ? String.fromCharCode(65 + id) : String(id + 1); }

  function s(tag, attrs, children) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { el.appendChild(c); });
    return el;
  }

  /* One path per group: circles, squares, triangles, diamonds, crosses (r: half the size). */
  var SHAPES = [
    function (x, y, r) { return "M" + (x - r) + " " + y + "a" + r + " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 " + (-2 * r) + " 0"; },
    function (x, y, r) { r *= 0.9; return "M" + (x - r) + " " + (y - r) + "h" + 2 * r + "v" + 2 * r + "h" + (-2 * r) + "z"; },
    function (x, y, r) { r *= 1.15; return "M" + x + " " + (y - r) + "l" + r + " " + 1.7 * r + "h" + (-2 * r) + "z"; },
    function (x, y, r) { r *= 1.2; return "M" + x + " " + (y - r) + "l" + r + " " + r + "l" + (-r) + " " + r + "l" + (-r) + " " + (-r) + "z"; },
    function (x, y, r) { var a = r * 0.4; return "M" + (x - r) + " " + (y - a) + "h" + (r - a) + "v" + (a - r) + "h" + 2 * a + "v" + (r - a) + "h" + (r - a) + "v" + 2 * a + "h" + (a - r) + "v" + (r - a) + "h" + (-2 * a) + "v" + (a - r) + "h" + (a - r) + "z"; }
  ];
  function round(v) { return Math.round(v * 1000) / 1000; }

  function map(opinion, dot) {
    var groups = opinion.groups, d = {}, sums = {}, title = t("Opinion map: %(groups)s", {groups:
      groups.map(function (g) { return t("Group %(letter)s", {letter: letter(g.id)}) + " " + g.size; }).join(", ")});
    (opinion.points || []).forEach(function (p) {
      var gid = p[2], x = round(p[0]), y = round(-p[1]);
      d[gid] = (d[gid] || "") + SHAPES[((gid % 5) + 5) % 5](x, y, dot);
      var m = sums[gid] || (sums[gid] = [0, 0, 0]);
      m[0] += x; m[1] += y; m[2] += 1;
    });
    var svg = s("svg", {viewBox: "-1.12 -1.12 2.24 2.24", role: "img", "aria-label": title, dir: "ltr", "class": "opinion-svg"});
    svg.appendChild(s("rect", {x: -1.12, y: -1.12, width: 2.24, height: 2.24, "class": "opinion-bg"}));
    svg.appendChild(s("path", {d: "M-1.05 0H1.05M0 -1.05V1.05", "class": "opinion-axes"}));
    Object.keys(d).forEach(function (gid) { svg.appendChild(s("path", {d: d[gid], "class": "dots g" + (gid % 5)})); });
    Object.keys(sums).forEach(function (gid) {
      var m = sums[gid], clamp = function (v) { return round(Math.max(-0.98, Math.min(0.98, v))); };
      var label = s("text", {x: clamp(m[0] / m[2]), y: clamp(m[1] / m[2] - 0.14), "class": "letter g" + (gid % 5)});
      label.textContent = letter(+gid);
      svg.appendChild(label);
    });
    return h("div", {cls: "opinion-figure"}, [svg]);
  }

  function quote(opinion, positions, id) {
    var text = (opinion.texts && opinion.texts[id]) || ((L.byId(positions || [], id) || {}).text) || "";
    return L.userText("q", text);
  }

  /* opts: {points: draw the map, reps: positions per group, consensus: statements shown, dot: dot size,
     shares: false to leave out the consensus statements' figures} */
  function render(opinion, positions, opts) {
    opts = opts || {};
    var reps = opts.reps || 2, box = h("div", {cls: "opinion" + (opts.points === false ? " no-map" : "")});
    if (!opinion || !opinion.groups || !opinion.groups.length) {
      box.appendChild(h("p", {cls: "opinion-empty", text: t("The opinion map appears once 3 participants have reacted to positions.")}));
      return box;
    }
    if (opts.points !== false) box.appendChild(map(opinion, opts.dot || 0.022));
    var text = h("div", {cls: "opinion-text"});
    text.appendChild(h("h3", {text: t("Statements with broad agreement across groups")}));
    var agreed = (opinion.consensus || []).slice(0, opts.consensus || 3);
    text.appendChild(agreed.length ? h("ul", {cls: "opinion-consensus"}, agreed.map(function (c) {
      return h("li", {}, [quote(opinion, positions, c.position_id), opts.shares === false ? null : " ",
        opts.shares === false ? null : h("span", {cls: "meta", title: t("group-informed consensus"), text: share(c.agree_share)})]);
    })) : h("p", {cls: "meta", text: t("none: no statement is agreed by a majority of every group")}));
    text.appendChild(h("h3", {}, [t("Opinion groups") + " ", h("span", {cls: "meta", text:
      "(" + tn("%(num)d participant in the map", "%(num)d participants in the map", opinion.participants_in) + ")"})]));
    text.appendChild(h("ul", {cls: "opinion-groups"}, opinion.groups.map(function (g) {
      return h("li", {cls: "g" + (g.id % 5)}, [
        h("p", {cls: "group-head"}, [h("span", {cls: "group-key g" + (g.id % 5), "aria-hidden": "true", text: letter(g.id)}),
          h("strong", {text: t("Group %(letter)s", {letter: letter(g.id)})}), " ",
          tn("%(num)d participant (%(onsite)d onsite, %(online)d online)", "%(num)d participants (%(onsite)d onsite, %(online)d online)",
            g.size, {onsite: g.onsite, online: g.online})]),
        h("ul", {}, g.representative.slice(0, reps).map(function (r) {
          return h("li", {cls: r.direction}, [h("span", {cls: "meta", text: r.direction === "agree"
            ? t("agreed (%(share)s):", {share: share(r.share)}) : t("disagreed (%(share)s):", {share: share(r.share)})}), " ",
            quote(opinion, positions, r.position_id)]);
        }))]);
    })));
    box.appendChild(text);
    return box;
  }

  window.OpinionMap = {render: render, letter: letter};
})();
