// Motando: small progressive enhancements on top of htmx. Every page works
// without this file.
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

  // Photo uploads: each chosen file is sent on its own, with its own
  // progress bar, and replaced by its preview (holding its token) when the
  // server accepts it. The file input then stays out of the form's submit.
  function setupUploads(form) {
    var input = form.querySelector("input[data-upload]");
    var list = form.querySelector("#photo-list");
    var submit = form.querySelector("[data-submit]");
    if (!input || !list) return;
    input.removeAttribute("name");
    var inFlight = 0;

    function busy(delta) {
      inFlight += delta;
      if (submit) {
        submit.disabled = inFlight > 0;
        submit.textContent = inFlight > 0 ? "Enviando fotos…" : submit.dataset.label;
      }
    }
    if (submit) submit.dataset.label = submit.textContent;

    function upload(file) {
      var item = document.createElement("li");
      item.className = "photo-item uploading";
      var name = document.createElement("span");
      name.className = "photo-name";
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Enviando " + file.name);
      item.appendChild(name);
      item.appendChild(bar);
      list.appendChild(item);
      busy(1);

      var data = new FormData();
      data.append("foto", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", input.dataset.upload);
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", function () {
        busy(-1);
        if (xhr.status === 200) {
          var tpl = document.createElement("template");
          tpl.innerHTML = xhr.responseText.trim();
          item.replaceWith(tpl.content.firstElementChild);
          return;
        }
        item.classList.add("failed");
        bar.remove();
        var msg = document.createElement("div");
        msg.innerHTML = xhr.status === 422 ? xhr.responseText : '<p class="field-error">Não foi possível enviar a foto. Tente de novo.</p>';
        item.appendChild(msg);
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "small";
        dismiss.textContent = "Fechar";
        dismiss.addEventListener("click", function () { item.remove(); });
        item.appendChild(dismiss);
      });
      xhr.addEventListener("error", function () {
        busy(-1);
        item.classList.add("failed");
        bar.remove();
        item.appendChild(document.createTextNode(" Falha de conexão; tente de novo."));
      });
      xhr.send(data);
    }

    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, upload);
      input.value = "";
    });

    // Reorder and remove: the order of the hidden inputs is the order of the
    // photos; the first is the cover.
    list.addEventListener("click", function (e) {
      var btn = e.target.closest("button[data-move]");
      if (!btn) return;
      var item = btn.closest(".photo-item");
      if (btn.dataset.move === "-1" && item.previousElementSibling) {
        list.insertBefore(item, item.previousElementSibling);
      } else if (btn.dataset.move === "1" && item.nextElementSibling) {
        list.insertBefore(item.nextElementSibling, item);
      }
      btn.focus();
    });
    list.addEventListener("change", function (e) {
      if (e.target.matches("input[data-remove]") && e.target.checked) {
        e.target.closest(".photo-item").remove();
      }
    });
  }

  // Gallery: thumbnails show their photo in the large view without a page
  // load; arrow keys move through the photos.
  function setupGallery(gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    var thumbs = gallery.querySelectorAll("a[data-large]");
    if (!main || thumbs.length === 0) return;
    var current = 0;
    function show(i) {
      current = (i + thumbs.length) % thumbs.length;
      var t = thumbs[current];
      var img = main.querySelector("img");
      img.src = t.dataset.large;
      img.alt = "Foto " + (current + 1) + " de " + thumbs.length;
      main.href = t.dataset.large;
      thumbs.forEach(function (x) { x.removeAttribute("aria-current"); });
      t.setAttribute("aria-current", "true");
    }
    thumbs.forEach(function (t, i) {
      t.addEventListener("click", function (e) { e.preventDefault(); show(i); });
    });
    gallery.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
    });
    gallery.tabIndex = 0;
  }

  function init(root) {
    root.querySelectorAll("form[data-ad-form]").forEach(setupUploads);
    root.querySelectorAll("[data-gallery]").forEach(setupGallery);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
