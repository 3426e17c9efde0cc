// The explorer of `kg serve`: search, open, expand and collapse, N hops, filters by kind, province
// and dates, the evidence panel, a permalink of the view in the URL, PNG and CSV export.
// Data comes from /api/*; every string from it is set with textContent (KG.el) or drawn on the canvas.
(function () {
  "use strict";
  var el = KG.el, $ = function (id) { return document.getElementById(id); };
  var meta = null, base = document.body.dataset.base || "";
  var nodes = new vis.DataSet(), edges = new vis.DataSet();
  var info = new Map();          // id -> node data from the API
  var expanded = new Map();      // id -> how many neighbours were asked for
  var kept = null;               // Set of ids the filters keep (null: no filter)
  var selected = null, busy = 0;
  var legend = new Map(), kindBoxes = new Map();
  var status = $("kg-status");

  window.kgBusy = function () { return busy; };
  window.kgView = function () {   // for tests and the curious: what the view holds
    return { selected: selected, expanded: Array.from(expanded.keys()),
             nodes: nodes.getIds().map(function (i) { var n = info.get(i) || {}; return { id: i, label: n.label, kind: n.kind, hidden: !!nodes.get(i).hidden }; }) };
  };

  function api(path, body) {
    busy++;
    var init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    return fetch(path, init).then(function (r) {
      if (!r.ok) throw new Error(path.split("?")[0] + ": " + r.status);
      return r.json();
    }).finally(function () { busy--; });
  }
  function local(id) { return id.indexOf(base) === 0 ? id.slice(base.length) : id; }
  function full(l) { return l.indexOf(":") >= 0 && l.split("/")[0].indexOf(":") >= 0 ? l : base + l; }
  function kindName(k) { return legend.has(k) ? legend.get(k).name : k; }
  function say(text) { status.textContent = text; }

  // ------------------------------------------------------------------ the network
  var network = new vis.Network($("kg-graph"), { nodes: nodes, edges: edges }, {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: { borderWidth: 1, font: { size: 0 } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, width: 1, smooth: false,
             color: { color: "#9a9a9a", highlight: "#333333", hover: "#555555" },
             font: { size: 11, color: "#555555", strokeWidth: 0, background: "rgba(255,255,255,0.85)", align: "horizontal" } },
    physics: { enabled: true, solver: "barnesHut",
               barnesHut: { gravitationalConstant: -3000, centralGravity: 0.2, springLength: 110, springConstant: 0.03, damping: 0.5, avoidOverlap: 0.5 },
               stabilization: { enabled: true, iterations: 120, fit: false } },
    interaction: { hover: true, keyboard: { enabled: true, bindToWindow: false }, multiselect: false, tooltipDelay: 200 }
  });
  window.kgNetwork = network; window.kgNodes = nodes; window.kgEdges = edges;
  network.on("stabilized", function () { if (!$("kg-physics").checked) network.setOptions({ physics: { enabled: false } }); });
  KG.declutter(network, nodes, {
    label: function (id) { var n = info.get(id); return n ? n.label : ""; },
    priority: function (id) { var n = info.get(id); return (id === selected ? 1e9 : 0) + (n ? n.links + n.articles : 0); }
  });

  function look(n) {
    var k = legend.get(n.kind) || { shape: "dot", color: "#bcbd22" };
    var aliases = n.aliases && n.aliases.length ? "（" + n.aliases.join("、") + "）" : "";
    var tip = el("div", null, n.label + aliases + " · " + kindName(n.kind) + " · " + n.context);
    return { id: n.id, shape: k.shape, color: k.color, size: Math.round(9 + 3 * Math.sqrt(n.links + n.articles)), title: tip };
  }
  function place(n, near) {
    if (nodes.get(n.id)) return;
    var item = look(n);
    if (near && nodes.get(near)) {
      var p = network.getPosition(near), a = Math.random() * 2 * Math.PI;
      item.x = p.x + 90 * Math.cos(a); item.y = p.y + 90 * Math.sin(a);
    }
    nodes.add(item);
  }
  function addData(d, near) {
    (d.centre ? [d.centre] : []).concat(d.nodes).forEach(function (n) { info.set(n.id, n); place(n, near); });
    d.edges.forEach(function (e) {
      if (!edges.get(e.id)) edges.add({ id: e.id, from: e.from, to: e.to, kind: e.kind, title: e.label, via: e.via, label: "" });
    });
  }
  function settle() {
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(100);
  }
  function edgeLabels() {
    // only the links of the selected node are labelled; parallel links share one label
    var first = new Map(), text = new Map();
    edges.get().forEach(function (e) {
      if (!selected || (e.from !== selected && e.to !== selected)) return;
      var pair = e.from + " " + e.to, name = e.title === e.kind ? relationName(e.kind, e.from === selected) : e.title;
      if (!first.has(pair)) { first.set(pair, e.id); text.set(e.id, []); }
      var names = text.get(first.get(pair));
      if (names.indexOf(name) < 0) names.push(name);
    });
    edges.update(edges.get().map(function (e) { return { id: e.id, label: text.has(e.id) ? text.get(e.id).join("、") : "" }; }));
  }
  function relationName(kind, out) {
    var r = meta && meta.relations[kind + "|" + (out ? "out" : "in")];
    return r ? r.split(" · ")[0] : kind;
  }

  // ------------------------------------------------------------------ actions
  function open(id, opts) {
    opts = opts || {};
    var known = nodes.get(id);
    return (known && !opts.expand ? Promise.resolve() : expand(id)).then(function () { select(id, true); });
  }
  function expand(id, more) {
    var shown = expanded.get(id) || 0, limit = 40;
    var q = "/api/expand?id=" + encodeURIComponent(id) + "&limit=" + limit + "&offset=" + (more ? shown : 0);
    return api(q).then(function (d) {
      var fresh = d.nodes.filter(function (n) { return !nodes.get(n.id); }).map(function (n) { return n.id; });
      addedBy.set(id, (addedBy.get(id) || []).concat(fresh));
      addData(d, id);
      expanded.set(id, Math.max(shown, d.shown));
      if (d.total > d.shown) say(d.centre.label + "：显示 " + d.shown + " / " + d.total + " 个邻居 · neighbours shown");
      else say(d.centre.label + "：" + d.total + " 个邻居 · neighbours");
      settle(); changed();
      return d;
    });
  }
  var addedBy = new Map();       // id -> the nodes its expansion added
  function collapse(id) {
    // what its expansion added, and neighbours linked to nothing else; not a node expanded itself or
    // added by another open expansion
    var added = new Set(addedBy.get(id) || []), other = new Set();
    addedBy.forEach(function (list, by) { if (by !== id && expanded.has(by)) list.forEach(function (m) { other.add(m); }); });
    var gone = network.getConnectedNodes(id).filter(function (n) {
      if (n === id || expanded.has(n) || other.has(n) || n === selected) return false;
      return added.has(n) || network.getConnectedNodes(n).every(function (m) { return m === id; });
    });
    addedBy.delete(id);
    removeNodes(gone);
    expanded.delete(id);
    say(info.get(id).label + "：收起 " + gone.length + " 个节点 · collapsed " + gone.length);
    changed();
  }
  function hops(id, n) {
    return api("/api/expand?id=" + encodeURIComponent(id) + "&hops=" + n).then(function (d) {
      addData(d, id);
      d.nodes.forEach(function (x) { if (!expanded.has(x.id)) expanded.set(x.id, 0); });
      say(d.centre.label + "：" + n + " 跳内 " + d.nodes.length + " 个节点 · nodes within " + n + " hops" + (d.cut ? "（已截断 · cut）" : ""));
      settle(); changed();
    });
  }
  function removeNodes(ids) {
    ids.forEach(function (i) {
      network.getConnectedEdges(i).forEach(function (e) { edges.remove(e); });
      nodes.remove(i); info.delete(i); expanded.delete(i);
      if (selected === i) selected = null;
    });
  }
  function select(id, focus) {
    selected = id;
    if (!nodes.get(id)) return;
    network.selectNodes([id]);
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    edgeLabels();
    showNode(id);
    buttons();
    changed();
  }
  function buttons() {
    ["kg-expand", "kg-collapse", "kg-show-hops", "kg-remove"].forEach(function (b) { $(b).disabled = !selected; });
  }

  // ------------------------------------------------------------------ details and evidence
  var details = $("kg-details");
  function showNode(id) {
    var n = info.get(id), box = el("div", "kg-info");
    box.appendChild(el("div", "ctx", kindName(n.kind)));
    box.appendChild(el("div", "name", n.label));
    if (n.aliases.length) box.appendChild(el("div", null, "别名 aliases：" + n.aliases.join("、")));
    box.appendChild(el("div", "ctx", n.context));
    var page = el("a", null, "实体页面 · entity page");
    page.href = "/id/" + local(id); page.id = "kg-entity-link";
    box.appendChild(page);
    var links = network.getConnectedEdges(id).map(function (e) { return edges.get(e); });
    if (links.length) {
      box.appendChild(el("div", "ctx", "关系 links（点击查看依据 · click for evidence）"));
      var ul = el("ul");
      links.forEach(function (e) {
        var out = e.from === id, other = info.get(out ? e.to : e.from), li = el("li");
        var a = el("a", null, (out ? "→ " : "← ") + (e.title === e.kind ? relationName(e.kind, out) : e.title) + " " + (other ? other.label : ""));
        a.href = "#"; a.addEventListener("click", function (ev) { ev.preventDefault(); showEdge(e.id); });
        li.appendChild(a); ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    details.replaceChildren(box);
  }
  function showEdge(eid) {
    var e = edges.get(eid); if (!e) return;
    var a = info.get(e.from), b = info.get(e.to), box = el("div", "kg-info");
    box.appendChild(el("div", "ctx", e.kind));
    box.appendChild(el("div", "name", (a ? a.label : "") + " → " + (e.title === e.kind ? relationName(e.kind, true) : e.title) + " → " + (b ? b.label : "")));
    var list = el("ul"); list.id = "kg-evidence";
    box.appendChild(el("div", "ctx", "依据 evidence"));
    box.appendChild(list);
    details.replaceChildren(box);
    api("/api/evidence?from=" + encodeURIComponent(e.from) + "&to=" + encodeURIComponent(e.to) + "&via=" + encodeURIComponent(e.via || ""))
      .then(function (d) {
        if (!d.evidence.length) list.appendChild(el("li", "ctx", "（无句子 · no sentence: general knowledge）"));
        d.evidence.forEach(function (ev) {
          var li = el("li");
          li.appendChild(el("q", null, ev.sentence));
          if (ev.href) { var link = el("a", "article-link", " " + (ev.title || "文章 article")); link.href = ev.href; li.appendChild(link); }
          list.appendChild(li);
        });
        if (d.more) list.appendChild(el("li", "ctx", "… +" + d.more + (d.at_least ? " 或更多 · or more" : "")));
      });
  }
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0], false);
    else if (p.edges.length) showEdge(p.edges[0]);
  });
  network.on("doubleClick", function (p) { if (p.nodes.length) expand(p.nodes[0]); });

  // ------------------------------------------------------------------ filters
  function filters() {
    var kinds = [];
    kindBoxes.forEach(function (box, k) { if (box.checked) kinds.push(k); });
    return { kinds: kinds.length === kindBoxes.size ? [] : kinds, province: $("kg-province").value,
             from: $("kg-from").value, to: $("kg-to").value };
  }
  function applyFilters() {
    var f = filters(), ids = nodes.getIds();
    if (!f.kinds.length && !f.province && !f.from && !f.to) { kept = null; return show(); }
    if (!f.kinds.length && kindBoxes.size && Array.from(kindBoxes.values()).every(function (b) { return !b.checked; })) f.kinds = ["none"];
    return api("/api/view", { ids: ids.map(local), kinds: f.kinds, province: f.province ? local(f.province) : null,
                              from: f.from || null, to: f.to || null })
      .then(function (d) { kept = new Set(d.keep); show(); });
  }
  function show() {
    nodes.update(nodes.getIds().map(function (i) { return { id: i, hidden: kept !== null && !kept.has(i) }; }));
    var visible = nodes.getIds({ filter: function (n) { return !n.hidden; } }).length;
    $("kg-count").textContent = visible + " / " + nodes.length + " 节点显示 · nodes shown · " + edges.length + " 连线 links";
    writeHash();
  }
  function changed() { return applyFilters(); }

  // ------------------------------------------------------------------ the permalink
  function writeHash() {
    var f = filters(), p = new URLSearchParams();
    if (nodes.length) p.set("n", nodes.getIds().map(local).join(","));
    var x = Array.from(expanded.keys()).filter(function (i) { return nodes.get(i); });
    if (x.length) p.set("x", x.map(local).join(","));
    if (selected) p.set("sel", local(selected));
    if (f.kinds.length) p.set("k", f.kinds.join(","));
    if (f.province) p.set("p", local(f.province));
    if (f.from) p.set("from", f.from);
    if (f.to) p.set("to", f.to);
    var hash = "#" + p.toString();
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    if (p.get("k")) { var ks = new Set(p.get("k").split(",")); kindBoxes.forEach(function (b, k) { b.checked = ks.has(k); }); }
    if (p.get("p")) $("kg-province").value = full(p.get("p"));
    if (p.get("from")) $("kg-from").value = p.get("from");
    if (p.get("to")) $("kg-to").value = p.get("to");
    var ids = (p.get("n") || "").split(",").filter(Boolean).map(full);
    (p.get("x") || "").split(",").filter(Boolean).forEach(function (i) { expanded.set(full(i), 40); });
    var sel = p.get("sel") ? full(p.get("sel")) : null;
    return { ids: ids, sel: sel };
  }
  $("kg-permalink").addEventListener("click", function () {
    writeHash();
    var url = location.href;
    var done = function () { say("已复制链接 · permalink copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(url).then(done, function () { say(url); });
    else say(url);
    window.kgPermalink = url;
  });

  // ------------------------------------------------------------------ export
  function download(name, href) { var a = el("a"); a.href = href; a.download = name; document.body.appendChild(a); a.click(); a.remove(); }
  $("kg-png").addEventListener("click", function () {
    var canvas = $("kg-graph").querySelector("canvas");
    download("unionkg-view.png", canvas.toDataURL("image/png"));
  });
  function csvCell(v) { v = v === null || v === undefined ? "" : String(v); return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
  KG.viewCsv = function () {
    var rows = [["type", "id", "label", "kind", "from", "to", "relation"]];
    nodes.get({ filter: function (n) { return !n.hidden; } }).forEach(function (n) { var d = info.get(n.id); rows.push(["node", n.id, d.label, d.kind, "", "", ""]); });
    edges.get().forEach(function (e) {
      var a = nodes.get(e.from), b = nodes.get(e.to);
      if (a && b && !a.hidden && !b.hidden) rows.push(["link", e.id, e.title, e.kind, e.from, e.to, e.kind]);
    });
    return rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  };
  $("kg-csv").addEventListener("click", function () {
    download("unionkg-view.csv", URL.createObjectURL(new Blob(["\ufeff" + KG.viewCsv()], { type: "text/csv;charset=utf-8" })));
  });

  // ------------------------------------------------------------------ the sidebar
  KG.searchBox($("kg-search"), $("kg-results"), status,
    function (q) { return api("/api/search?limit=30&q=" + encodeURIComponent(q)); },
    function (r, li) {
      var badge = el("span", "kindname", kindName(r.kind));
      badge.style.background = legend.has(r.kind) ? legend.get(r.kind).color : "#999";
      li.appendChild(badge);
      li.appendChild(el("span", "name", r.label));
      if (r.matched && r.matched !== r.label) li.appendChild(el("span", "ctx", "（" + r.matched + "）"));
      li.appendChild(el("span", "ctx", r.context + (nodes.get(r.id) ? "" : " · 未在图中 · not drawn yet")));
      li.setAttribute("aria-label", kindName(r.kind) + " " + r.label + "，" + r.context);
    },
    function (r) { info.set(r.id, r); open(r.id, { expand: !nodes.get(r.id) }); });
  $("kg-expand").addEventListener("click", function () { if (selected) expand(selected, expanded.has(selected)); });
  $("kg-collapse").addEventListener("click", function () { if (selected) collapse(selected); });
  $("kg-show-hops").addEventListener("click", function () { if (selected) hops(selected, Math.max(1, Math.min(4, Number($("kg-hops").value) || 2))); });
  $("kg-remove").addEventListener("click", function () { if (selected) { removeNodes([selected]); buttons(); details.replaceChildren(); changed(); } });
  $("kg-clear").addEventListener("click", function () { removeNodes(nodes.getIds()); expanded.clear(); buttons(); details.replaceChildren(); changed(); });
  $("kg-physics").addEventListener("change", function () { network.setOptions({ physics: { enabled: $("kg-physics").checked } }); });
  ["kg-province", "kg-from", "kg-to"].forEach(function (i) { $(i).addEventListener("change", changed); });
  document.addEventListener("keydown", function (ev) {
    if (ev.target.tagName === "INPUT" || ev.target.tagName === "SELECT") return;
    if (ev.key === "/") { ev.preventDefault(); $("kg-search").focus(); }
    else if (selected && (ev.key === "+" || ev.key === "e")) expand(selected, expanded.has(selected));
    else if (selected && (ev.key === "-" || ev.key === "c")) collapse(selected);
  });

  // ------------------------------------------------------------------ start
  api("/api/meta").then(function (m) {
    meta = m;
    document.title = m.title + " · explorer";
    m.legend.forEach(function (k) {
      legend.set(k.kind, k);
      if (!k.count) return;
      var row = el("label", "kg-kind-row"), box = el("input"), sw = el("span", "kg-swatch");
      box.type = "checkbox"; box.checked = true; box.dataset.kind = k.kind;
      sw.style.background = k.color;
      row.append(box, sw, el("span", null, k.name), el("span", "n", k.count));
      box.addEventListener("change", changed);
      kindBoxes.set(k.kind, box);
      $("kg-legend").appendChild(row);
    });
    m.provinces.forEach(function (p) { var o = el("option", null, p.label); o.value = p.id; $("kg-province").appendChild(o); });
    if (m.first) {
      ["kg-from", "kg-to"].forEach(function (i) { $(i).min = m.first; $(i).max = m.last; });
      $("kg-dates").textContent = "报道日期 dates: " + m.first + " – " + m.last;
    } else $("kg-dates").textContent = "这些版面没有日期 · these pages have no dates";
    var state = readHash();
    var start;
    if (state.ids.length) {
      start = api("/api/view", { ids: state.ids.map(local) }).then(function (d) {
        addData(d); settle();
        if (state.sel && nodes.get(state.sel)) select(state.sel, true); else changed();
      });
    } else if (m.start) start = open(m.start, { expand: true });
    else start = Promise.resolve();
    return start;
  }).then(function () {
    network.once("afterDrawing", function () { window.kgReady = true; });
    network.redraw();
  }).catch(function (err) { say("错误 error: " + err.message); window.kgReady = true; });
})();
