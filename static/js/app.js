// Motando: what every page needs on top of htmx. Every page works without
// this file.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Send the CSRF token on every htmx request that changes state.
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.verb !== "get") {
      e.detail.headers["X-CSRF-Token"] = csrfToken();
    }
  });
})();
