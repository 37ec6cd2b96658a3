// Corpus page: per-outlet charts over time (vendored uPlot) and a sourcing-profile table, from /api/stats.
(function () {
  "use strict";
  var PALETTE = ["#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c92a2a", "#5c940d", "#364fc7", "#868e96"];
  var MAX_OUTLETS = 8;

  function monthTime(m) {
    var parts = /^(\d{4})-(\d{2})$/.exec(m);
    return parts ? Date.UTC(Number(parts[1]), Number(parts[2]) - 1, 1) / 1000 : null;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function chart(target, outlets, months, pick, fmt) {
    var box = document.getElementById(target);
    if (!box || typeof uPlot === "undefined") return;
    if (!months.length) { box.appendChild(el("p", "No dated articles yet.", "app-empty")); return; }
    var xs = months.map(monthTime);
    var data = [xs];
    var series = [{ label: "month", value: function (u, v) { return v == null ? "" : new Date(v * 1000).toISOString().slice(0, 7); } }];
    outlets.forEach(function (o, i) {
      data.push(months.map(function (m) { return o.months[m] ? pick(o.months[m]) : null; }));
      series.push({
        label: o.outlet || "unknown outlet",
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        points: { size: 7 },
        spanGaps: true,
        value: function (u, v) { return v == null ? "–" : fmt(v); },
      });
    });
    var width = Math.max(320, box.clientWidth - 8);
    new uPlot({
      width: width,
      height: 240,
      series: series,
      scales: { x: { time: true } },
      axes: [{}, { values: function (u, vals) { return vals.map(fmt); }, size: 56 }],
    }, data, box);
  }

  function table(outlets) {
    var box = document.getElementById("stats-table");
    if (!box) return;
    var t = el("table", null, "app-table");
    var head = el("tr");
    ["Outlet", "Articles", "Words", "Techniques / 1k words", "Named", "Vague", "Anonymous", "Self", "Claims with no source"].forEach(function (h, i) {
      head.appendChild(el("th", h, i ? "num" : ""));
    });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var body = el("tbody");
    outlets.forEach(function (o) {
      var s = o.overall, row = el("tr");
      var pct = function (v) { return v == null ? "–" : (100 * v).toFixed(0) + "%"; };
      row.appendChild(el("td", o.outlet || "unknown outlet"));
      [s.articles, s.words, s.techniques_per_1k_words.toFixed(2),
       pct(s.source_shares.named), pct(s.source_shares.vague), pct(s.source_shares.anonymous), pct(s.source_shares.self),
       pct(s.unattributed_share)].forEach(function (v) { row.appendChild(el("td", v, "num")); });
      body.appendChild(row);
    });
    t.appendChild(body);
    box.appendChild(t);
  }

  fetch("/api/stats", { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status)); })
    .then(function (stats) {
      var outlets = (stats.outlets || []).slice(0, MAX_OUTLETS);
      var seen = {};
      outlets.forEach(function (o) { Object.keys(o.months || {}).forEach(function (m) { if (monthTime(m) !== null) seen[m] = 1; }); });
      var months = Object.keys(seen).sort();
      chart("chart-techniques", outlets, months, function (p) { return p.techniques_per_1k_words; }, function (v) { return v.toFixed(1); });
      chart("chart-unsourced", outlets, months, function (p) { return p.unattributed_share; }, function (v) { return (100 * v).toFixed(0) + "%"; });
      table(stats.outlets || []);
      document.body.setAttribute("data-stats-ready", "1");
    })
    .catch(function (err) {
      var box = document.getElementById("stats-table");
      if (box) box.appendChild(el("p", "Could not load the statistics: " + err.message, "app-error"));
      document.body.setAttribute("data-stats-ready", "error");
    });
})();
