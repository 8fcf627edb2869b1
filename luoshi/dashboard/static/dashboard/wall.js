// 驾驶舱大屏: a clock, and a reload every data-refresh-seconds (the figures come from the
// server's metric layer; nothing is counted here). CSP: a static file, no inline script.
(function () {
  "use strict";
  function tick() {
    var clock = document.querySelector("[data-wall-clock]");
    if (!clock) return;
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    clock.textContent = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
      " " + pad(now.getHours()) + ":" + pad(now.getMinutes());
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 15000);
    var seconds = parseInt(document.body.getAttribute("data-refresh-seconds"), 10);
    if (seconds > 0) {
      setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
  });
})();
