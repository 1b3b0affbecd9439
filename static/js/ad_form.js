// Motando: the ad form's photo uploads and field errors. The page works
// without this file.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Photo uploads: each chosen file is sent on its own, with its own
  // progress bar, and replaced by its preview (holding its token) when the
  // server accepts it. The file input then stays out of the form's submit.
  function setupUploads(form) {
    var input = form.querySelector("input[data-upload]");
    var list = form.querySelector("#photo-list");
    var submit = form.querySelector("[data-submit]");
    if (!input || !list) return;
    input.removeAttribute("name");
    input.closest(".photos").setAttribute("data-enhanced", "");
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
        var expired = xhr.status === 403 || (xhr.responseURL !== "" && new URL(xhr.responseURL).pathname === "/entrar");
        if (xhr.status === 200 && !expired) {
          var tpl = document.createElement("template");
          tpl.innerHTML = xhr.responseText.trim();
          item.replaceWith(tpl.content.firstElementChild);
          clearError(form, "fotos");
          return;
        }
        item.classList.add("failed");
        bar.remove();
        var msg = document.createElement("p");
        msg.className = "field-error";
        if (xhr.status === 422) {
          msg = document.createElement("div");
          msg.innerHTML = xhr.responseText;
        } else if (expired) {
          msg.textContent = "Sua sessão expirou. Envie o formulário para entrar de novo (o que você preencheu fica guardado) e depois adicione esta foto outra vez.";
        } else {
          msg.textContent = "Não foi possível enviar a foto. Tente de novo.";
        }
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

  // Field errors: a field's message goes as soon as the field changes; the
  // server says it again on submit if the value is still wrong.
  function clearError(form, name) {
    var error = form.querySelector("#e-" + name);
    if (error) error.remove();
    form.querySelectorAll('[name="' + name + '"].invalid').forEach(function (field) {
      field.classList.remove("invalid");
      field.removeAttribute("aria-invalid");
      // The hint, if any, stays linked; only the error goes.
      var rest = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && id !== "e-" + name;
      });
      if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
      else field.removeAttribute("aria-describedby");
    });
    var summary = document.querySelector("[data-form-error]");
    if (summary && !form.querySelector(".field-error")) summary.remove();
  }

  function setupErrors(form) {
    function fixed(e) {
      var name = e.target.name;
      if (name && e.target.classList.contains("invalid")) clearError(form, name);
    }
    form.addEventListener("input", fixed);
    form.addEventListener("change", fixed);
  }

  function init() {
    document.querySelectorAll("form[data-ad-form]").forEach(function (form) {
      setupUploads(form);
      setupErrors(form);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
