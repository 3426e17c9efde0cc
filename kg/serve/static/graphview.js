// unionkg graph view helpers, shared by the explorer of `kg serve`: labels that never overlap,
// drawn by us on vis-network's canvas (most linked and selected first, hidden where they would
// collide, so zooming in shows more), and a search box with a listbox that can be used by keyboard.
// Every string from the data reaches the page through textContent or the canvas, never as HTML.
(function (global) {
  "use strict";
  var KG = global.KG || (global.KG = {});

  KG.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };

  // Labels: vis draws the shapes, this draws the names in screen space after it.
  // priority(id) -> number (higher first); label(id) -> text; drawn boxes are kept in KG.labelBoxes.
  KG.declutter = function (network, nodes, opts) {
    opts = opts || {};
    var font = opts.font || "13px 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif";
    KG.labelBoxes = [];
    network.on("afterDrawing", function (ctx) {
      var ids = nodes.getIds({ filter: function (n) { return !n.hidden; } });
      var ratio = (network.canvas && network.canvas.pixelRatio) || global.devicePixelRatio || 1;
      var width = ctx.canvas.width / ratio, height = ctx.canvas.height / ratio;
      ids.sort(function (a, b) { return opts.priority(b) - opts.priority(a) || (a < b ? -1 : 1); });
      var placed = [];
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.font = font;
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      for (var i = 0; i < ids.length; i++) {
        var id = ids[i], text = opts.label(id);
        if (!text) continue;
        var box;
        try { box = network.getBoundingBox(id); } catch (e) { continue; }
        var bottom = network.canvasToDOM({ x: (box.left + box.right) / 2, y: box.bottom });
        var w = ctx.measureText(text).width + 4, h = 16;
        var r = { x: bottom.x - w / 2, y: bottom.y + 2, w: w, h: h, id: id, text: text };
        if (r.x + r.w < 0 || r.y + r.h < 0 || r.x > width || r.y > height) continue;
        var clash = false;
        for (var j = 0; j < placed.length && !clash; j++) {
          var p = placed[j];
          clash = r.x < p.x + p.w && p.x < r.x + r.w && r.y < p.y + p.h && p.y < r.y + r.h;
        }
        if (clash) continue;
        placed.push(r);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.9)";
        ctx.strokeText(text, bottom.x, r.y + 1);
        ctx.fillStyle = opts.color ? opts.color(id) : "#1a1a1a";
        ctx.fillText(text, bottom.x, r.y + 1);
      }
      ctx.restore();
      KG.labelBoxes = placed;
    });
  };

  // A combobox: results come from find(query) (a promise of {results, total}); render(item, li) fills
  // an option; choose(item) is called on click or Enter. Arrow keys move, Escape closes.
  // opts.delay: ms to wait after typing (default 120; 0 asks at once); opts.onResults(items, query).
  KG.searchBox = function (input, list, status, find, render, choose, opts) {
    opts = opts || {};
    var delay = opts.delay === undefined ? 120 : opts.delay;
    var items = [], active = -1, asked = 0, timer = null;
    function close() { list.replaceChildren(); input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }
    function mark(i) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      }
    }
    function show(found, total, query) {
      items = found;
      list.replaceChildren();
      found.forEach(function (item, i) {
        var li = KG.el("li");
        li.id = "kg-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        render(item, li);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = !query ? "" : found.length
        ? total + " 个结果 · results" + (total > found.length ? "（显示前 " + found.length + " · first " + found.length + " shown）" : "")
        : "没有找到 · not found";
      if (found.length) mark(0);
      if (opts.onResults) opts.onResults(found, query);
    }
    function ask() {
      var query = input.value.trim(), mine = ++asked;
      if (!query) { close(); status.textContent = ""; return; }
      find(query).then(function (d) { if (mine === asked) show(d.results, d.total, query); });
    }
    function pick(i) { var item = items[i]; if (!item) return; close(); choose(item); }
    input.addEventListener("input", function () { clearTimeout(timer); if (delay) timer = setTimeout(ask, delay); else ask(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); if (items.length) mark(Math.min(items.length - 1, active + 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); if (items.length) mark(Math.max(0, active - 1)); }
      else if (ev.key === "Enter") {
        ev.preventDefault();
        clearTimeout(timer);
        if (list.children.length && active >= 0) pick(active);
        else { var query = input.value.trim(), mine = ++asked; if (query) find(query).then(function (d) { if (mine === asked) { show(d.results, d.total, query); if (d.results.length) pick(0); } }); }
      } else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    return { close: close };
  };

  // Search names held in the page: nodes [{id, label, aliases, degree}]; exact names first, then
  // prefixes, then parts of names, the most linked first within each; NFKC and case folded.
  KG.localSearch = function (nodes) {
    function norm(s) { return String(s).normalize("NFKC").trim().toLowerCase(); }
    var keys = [];
    nodes.forEach(function (n) {
      [n.label].concat(n.aliases || []).forEach(function (name) { var k = norm(name); if (k) keys.push([k, name, n]); });
    });
    return function (query, limit) {
      var q = norm(query), best = new Map();
      if (!q) return { results: [], total: 0 };
      keys.forEach(function (k) {
        var at = k[0].indexOf(q);
        if (at < 0) return;
        var level = at > 0 ? 2 : (k[0].length === q.length ? 0 : 1), seen = best.get(k[2].id);
        if (!seen || level < seen.level) best.set(k[2].id, { level: level, node: k[2], matched: k[1] });
      });
      var found = Array.from(best.values()).sort(function (a, b) {
        return a.level - b.level || (b.node.degree || 0) - (a.node.degree || 0) || (a.node.id < b.node.id ? -1 : 1);
      });
      return { results: found.slice(0, limit || 30).map(function (f) {
        return { id: f.node.id, node: f.node, label: f.node.label, kind: f.node.kind, matched: f.matched,
                 context: f.node.context || "", match: ["exact", "prefix", "part"][f.level] };
      }), total: found.length };
    };
  };
})(window);
