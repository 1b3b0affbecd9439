// Motando: small progressive enhancements on top of htmx. Every page works
// without this file.
(function () {
  "use strict";
  // Send the CSRF token on every htmx request that changes state.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && e.detail.verb !== "get") {
      e.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });
})();
