// Taking an assessment: the countdown, saving when the page is left, and no answers in htmx's history cache.
// The server's deadline is the one that counts; this only shows it and stops typing when it passes.
(function () {
  "use strict";
  var root = document.querySelector("[data-no-history]");
  if (!root) { return; }
  if (window.htmx) { window.htmx.config.historyCacheSize = 0; window.htmx.config.refreshOnHistoryMiss = true; }

  var areas = Array.prototype.slice.call(root.querySelectorAll("textarea[data-autosave-url]"));
  var token = root.querySelector("input[name=csrf_token]");
  areas.forEach(function (area) { area.dataset.saved = area.value; });

  function isAutosave(elt) { return elt && elt.dataset && "autosaveUrl" in elt.dataset; }
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (isAutosave(event.detail.elt)) { event.detail.elt.dataset.pending = event.detail.elt.value; }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var area = event.detail.elt;
    if (isAutosave(area) && event.detail.successful) { area.dataset.saved = area.dataset.pending; }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var area = event.detail.elt, target = event.detail.target;
    if (isAutosave(area) && target) {
      target.innerHTML = event.detail.xhr.responseText;  // our own escaped fragment
    }
  });

  // Save what changed since the last save when the page is hidden or left (tab switch, reload, close).
  function flush() {
    if (!navigator.sendBeacon || !token) { return; }
    areas.forEach(function (area) {
      if (area.readOnly || area.value === area.dataset.saved) { return; }
      var data = new FormData();
      data.append("csrf_token", token.value);
      data.append(area.name, area.value);
      if (navigator.sendBeacon(area.dataset.autosaveUrl, data)) { area.dataset.saved = area.value; }
    });
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { flush(); } });
  window.addEventListener("pagehide", flush);

  var timer = root.querySelector("[data-deadline-seconds]");
  var shown = root.querySelector("[data-countdown]");
  if (!timer || !shown) { return; }
  // Count down from the server's seconds-left, on this device's monotonic clock (immune to its wall-clock skew).
  var ends = performance.now() + Number(timer.dataset.deadlineSeconds) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((ends - performance.now()) / 1000));
    shown.textContent = Math.floor(left / 60) + ":" + (left % 60 < 10 ? "0" : "") + (left % 60);
    if (left === 0) {
      flush();
      areas.forEach(function (area) { area.readOnly = true; });
      timer.innerHTML = "";
      var strong = document.createElement("strong");
      strong.textContent = "The time is over. What you saved in time will be submitted.";
      timer.appendChild(strong);
      timer.setAttribute("aria-live", "assertive");
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
