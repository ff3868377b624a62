// Live regions: an element with data-live="SECONDS" is refreshed in place from the same page
// every SECONDS, so turnout rises on the chair's console and the projector without reloading
// (a timed full-page refresh would steal focus and fail WCAG 2.2.1). Without JavaScript the
// page offers a "Refresh" link instead.
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-live]");
  regions.forEach(function (region) {
    var seconds = Math.max(2, parseInt(region.getAttribute("data-live"), 10) || 10);
    function refresh() {
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
          if (fresh) { region.innerHTML = fresh.innerHTML; }
          if (!fresh || !fresh.hasAttribute("data-live")) { window.location.reload(); return; }
          window.setTimeout(refresh, seconds * 1000);
        })
        .catch(function () { window.setTimeout(refresh, seconds * 1000); });
    }
    window.setTimeout(refresh, seconds * 1000);
  });
})();
