// The query page: ready queries into the text box, the answer as a table (every value as text).
(function () {
  "use strict";
  var select = document.getElementById("ready"), text = document.getElementById("query-text");
  var form = document.getElementById("query-form"), status = document.getElementById("query-status");
  var results = document.getElementById("results"), queries = [];
  fetch("/queries").then(function (r) { return r.json(); }).then(function (d) { queries = d.queries; });
  select.addEventListener("change", function () {
    var q = queries[Number(select.value)];
    if (q) text.value = q.text;
  });
  function el(tag, t) { var e = document.createElement(tag); if (t !== undefined) e.textContent = t; return e; }
  function cell(term) {
    if (!term) return "";
    if (term.type === "literal") return term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    return term.type === "uri" ? "<" + term.value + ">" : "_:" + term.value;
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    status.textContent = "…";
    results.replaceChildren();
    var started = performance.now();
    fetch("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query",
      "Accept": "application/sparql-results+json, text/turtle;q=0.9" }, body: text.value })
      .then(function (r) {
        return r.text().then(function (body) { return { ok: r.ok, status: r.status, type: r.headers.get("content-type") || "", body: body }; });
      })
      .then(function (r) {
        var ms = Math.round(performance.now() - started);
        if (!r.ok) { status.textContent = "错误 error " + r.status; results.appendChild(el("pre", r.body)); return; }
        if (r.type.indexOf("json") < 0) { status.textContent = ms + " ms"; results.appendChild(el("pre", r.body)); return; }
        var data = JSON.parse(r.body);
        if (typeof data.boolean === "boolean") { status.textContent = ms + " ms"; results.appendChild(el("pre", String(data.boolean))); return; }
        var vars = data.head.vars, rows = data.results.bindings, table = el("table"), head = el("tr");
        vars.forEach(function (v) { head.appendChild(el("th", v)); });
        table.appendChild(head);
        rows.forEach(function (b) {
          var tr = el("tr");
          vars.forEach(function (v) {
            var td = el("td"), t = b[v];
            if (t && t.type === "uri" && t.value.indexOf(document.body.dataset.base || "\u0000") === 0) {
              var a = el("a", cell(t)); a.href = "/id/" + t.value.slice(document.body.dataset.base.length); td.appendChild(a);
            } else td.textContent = cell(t);
            tr.appendChild(td);
          });
          table.appendChild(tr);
        });
        status.textContent = rows.length + " 行 rows · " + ms + " ms";
        results.appendChild(table);
      })
      .catch(function (e) { status.textContent = "错误 error: " + e; });
  });
})();
