// The speaking time counts down on the chair's console, the projector and the delegate's
// page: every element with data-ends-at (an RFC 3339 time) shows the minutes and seconds left,
// and turns "over" once the time is up. The server renders the same figure, so without
// JavaScript the page shows the time left when it was loaded (and a Refresh link).
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    document.querySelectorAll("[data-ends-at]").forEach(function (element) {
      var ends = Date.parse(element.getAttribute("data-ends-at"));
      if (isNaN(ends)) { return; }
      var left = Math.round((ends - Date.now()) / 1000);
      var clock = element.querySelector(".clock");
      if (!clock) { return; }
      var whole = Math.abs(left);
      clock.textContent = (left < 0 ? "\u2212" : "") + Math.floor(whole / 60) + ":" + pad(whole % 60);
      element.classList.toggle("over", left < 0);
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
