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

  // A request htmx could not complete says so at the top of the page: the
  // server's own words when it sent some (plain text), else a general one.
  function showError(text) {
    var box = document.getElementById("htmx-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "htmx-error";
      box.className = "notice flash error";
      box.setAttribute("role", "alert");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text || "Algo deu errado. Recarregue a página e tente de novo.";
    box.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    var plain = xhr && (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
    showError(plain ? xhr.responseText.slice(0, 300) : "");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("Sem conexão com o Motando. Confira a internet e tente de novo.");
  });
})();
