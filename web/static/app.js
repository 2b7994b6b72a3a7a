// Small enhancements; every page works without this file.
(function () {
  "use strict";

  // Practice timer: counts up, shown beside the answer box, posted as duration_seconds.
  function startTimers(root) {
    root.querySelectorAll("[data-timer]").forEach(function (box) {
      if (box.dataset.started) { return; }
      box.dataset.started = "1";
      var form = box.closest("form");
      var output = box.querySelector("output");
      var toggle = box.querySelector("button");
      var field = form ? form.querySelector("input[name=duration_seconds]") : null;
      var seconds = 0, running = false, handle = null;
      function show() {
        var m = Math.floor(seconds / 60), s = seconds % 60;
        output.textContent = m + ":" + (s < 10 ? "0" : "") + s;
        if (field) { field.value = running || seconds ? String(seconds) : ""; }
      }
      function tick() { seconds += 1; show(); }
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        running = !running;
        if (running) { handle = setInterval(tick, 1000); toggle.textContent = "Pause timer"; }
        else { clearInterval(handle); toggle.textContent = "Start timer"; }
        show();
      });
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { startTimers(document); });
  document.addEventListener("htmx:load", function (event) { startTimers(event.target); });
})();
