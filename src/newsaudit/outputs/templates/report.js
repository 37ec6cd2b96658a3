/* newsaudit report: layer and technique toggles, tooltips, jump from panels to the text, JSON download. */
(function () {
  "use strict";

  function parseData(root) {
    var el = root.querySelector("script.na-data");
    if (!el) return {};
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  function stripes(colours) {
    if (colours.length === 1) return colours[0];
    var step = 100 / colours.length, stops = [];
    for (var i = 0; i < colours.length; i++) {
      stops.push(colours[i] + " " + (i * step).toFixed(1) + "% " + ((i + 1) * step).toFixed(1) + "%");
    }
    return "linear-gradient(180deg," + stops.join(",") + ")";
  }

  function init(root) {
    if (!root || root.getAttribute("data-na-bound")) return;
    root.setAttribute("data-na-bound", "1");
    var data = parseData(root);
    var tips = data.tips || {};
    var techniques = data.techniques || [];
    var hiddenTechnique = {};
    var tooltip = root.querySelector(".na-tooltip");

    // The JS tooltip replaces the native title (kept in the markup for readers without scripts).
    root.querySelectorAll(".na-seg[title]").forEach(function (el) { el.removeAttribute("title"); });

    root.querySelectorAll("input[data-layer]").forEach(function (box) {
      box.addEventListener("change", function () {
        root.classList.toggle("na-off-" + box.getAttribute("data-layer"), !box.checked);
      });
    });

    function repaint() {
      root.querySelectorAll(".na-seg[data-t]").forEach(function (el) {
        var colours = [];
        el.getAttribute("data-t").split(" ").forEach(function (t) {
          if (hiddenTechnique[t]) return;
          var info = techniques[Number(t)];
          colours.push(info ? info.colour : "#dee2e6");
        });
        el.style.setProperty("--na-bg", colours.length ? stripes(colours) : "transparent");
      });
    }
    root.querySelectorAll("input[data-technique]").forEach(function (box) {
      box.addEventListener("change", function () {
        hiddenTechnique[box.getAttribute("data-technique")] = !box.checked;
        repaint();
      });
    });

    function visible(tip) {
      if (root.classList.contains("na-off-" + tip.layer)) return false;
      return !(tip.layer === "technique" && hiddenTechnique[tip.technique]);
    }
    function showTip(seg, x, y) {
      var keys = (seg.getAttribute("data-k") || "").split(" ");
      tooltip.textContent = "";
      keys.forEach(function (k) {
        var tip = tips[k];
        if (!tip || !visible(tip)) return;
        var line = document.createElement("div");
        var head = document.createElement("b");
        head.textContent = tip.head + ": ";
        line.appendChild(head);
        line.appendChild(document.createTextNode(tip.body));
        tooltip.appendChild(line);
      });
      if (!tooltip.firstChild) { tooltip.hidden = true; return; }
      tooltip.hidden = false;
      moveTip(x, y);
    }
    function moveTip(x, y) {
      var w = tooltip.offsetWidth, h = tooltip.offsetHeight;
      var left = Math.min(x + 14, window.innerWidth - w - 8);
      var top = y + 18 + h > window.innerHeight ? y - h - 12 : y + 18;
      tooltip.style.left = Math.max(4, left) + "px";
      tooltip.style.top = Math.max(4, top) + "px";
    }
    var text = root.querySelector(".na-text");
    if (text && tooltip) {
      text.addEventListener("mouseover", function (e) {
        var seg = e.target.closest ? e.target.closest(".na-seg") : null;
        if (seg) showTip(seg, e.clientX, e.clientY); else tooltip.hidden = true;
      });
      text.addEventListener("mousemove", function (e) { if (!tooltip.hidden) moveTip(e.clientX, e.clientY); });
      text.addEventListener("mouseleave", function () { tooltip.hidden = true; });
    }

    function jump(ref) {
      if (!/^[a-z][0-9]+$/.test(ref)) return;
      var segs = root.querySelectorAll('.na-seg[data-r~="' + ref + '"]');
      if (!segs.length) return;
      var first = null;
      segs.forEach(function (el) {
        if (!first && el.classList.contains("na-content")) first = el;
        el.classList.remove("na-flash");
        void el.offsetWidth;
        el.classList.add("na-flash");
      });
      (first || segs[0]).scrollIntoView({ behavior: "smooth", block: "center" });
      window.setTimeout(function () {
        segs.forEach(function (el) { el.classList.remove("na-flash"); });
      }, 1900);
    }
    // From the text to the sources panel: clicking an attributed passage shows its entry in the panel.
    function showInPanel(seg) {
      var refs = (seg.getAttribute("data-r") || "").split(" ").filter(function (r) { return /^a[0-9]+$/.test(r); });
      if (!refs.length) return;
      var item = root.querySelector('.na-jump[data-target="' + refs[refs.length - 1] + '"]');
      if (!item) return;
      item.scrollIntoView({ behavior: "smooth", block: "nearest" });
      item.classList.remove("na-flash-item");
      void item.offsetWidth;
      item.classList.add("na-flash-item");
    }
    root.addEventListener("click", function (e) {
      var btn = e.target.closest ? e.target.closest("[data-target]") : null;
      if (btn && root.contains(btn)) jump(btn.getAttribute("data-target"));
      var seg = !btn && e.target.closest ? e.target.closest(".na-text .na-seg") : null;
      if (seg && root.contains(seg)) showInPanel(seg);
      var dl = e.target.closest ? e.target.closest("[data-na-download]") : null;
      if (dl && data.document) {
        var blob = new Blob([JSON.stringify(data.document, null, 2)], { type: "application/json" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "newsaudit-report.json";
        document.body.appendChild(a);
        a.click();
        window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
      }
    });
    root.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      var row = e.target.closest ? e.target.closest("tr[data-target]") : null;
      if (row) { e.preventDefault(); jump(row.getAttribute("data-target")); }
    });
  }

  function initAll() { document.querySelectorAll("[data-na-root]").forEach(init); }
  window.newsauditReport = { init: init, initAll: initAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
