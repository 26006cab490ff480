// The reader's settings (theme, text size) and keyboard navigation. No inline scripts:
// the site's Content-Security-Policy allows scripts from this origin only.
(function () {
  "use strict";
  var root = document.documentElement;
  function stored(name, fallback) {
    try { return localStorage.getItem(name) || fallback; } catch (e) { return fallback; }
  }
  function store(name, value) {
    try { localStorage.setItem(name, value); } catch (e) { /* private mode: not kept */ }
  }
  function applyTheme(theme) {
    root.setAttribute("data-theme", theme);
    var button = document.querySelector("[data-action=theme]");
    if (button) {
      var dark = theme === "dark" ||
        (theme === "auto" && window.matchMedia("(prefers-color-scheme: dark)").matches);
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      button.textContent = dark ? "Light mode" : "Dark mode";
    }
  }
  function applySize(size) {
    root.style.setProperty("--reader-size", size + "rem");
  }
  var size = parseFloat(stored("aw-size", "1.15")) || 1.15;
  applyTheme(stored("aw-theme", "auto"));
  applySize(size);
  document.addEventListener("DOMContentLoaded", function () {
    applyTheme(stored("aw-theme", "auto"));
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-action]");
      if (!target) return;
      var action = target.getAttribute("data-action");
      if (action === "theme") {
        var dark = root.getAttribute("data-theme") === "dark" ||
          (root.getAttribute("data-theme") === "auto" &&
           window.matchMedia("(prefers-color-scheme: dark)").matches);
        var next = dark ? "light" : "dark";
        store("aw-theme", next);
        applyTheme(next);
      } else if (action === "larger" || action === "smaller") {
        size = Math.min(2, Math.max(0.8, size + (action === "larger" ? 0.1 : -0.1)));
        size = Math.round(size * 100) / 100;
        store("aw-size", String(size));
        applySize(size);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
      var link = null;
      if (event.key === "ArrowRight") link = document.getElementById("next-chapter");
      if (event.key === "ArrowLeft") link = document.getElementById("previous-chapter");
      if (link) { event.preventDefault(); window.location.href = link.href; }
    });
  });
})();
