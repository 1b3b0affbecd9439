// Motando: suggestions while typing in a search box (input[data-suggest]),
// as a WAI-ARIA combobox with a listbox of links to the searches of
// brands, models and versions. Without this file the box is a plain form
// to /motos?q=.
(function () {
  "use strict";

  var WAIT_MS = 150; // typing pause before asking
  var MIN_TEXT = 2; // shorter texts get no suggestions

  function setUp(input) {
    var host = input.parentElement;
    var list = document.createElement("div");
    list.id = input.id + "-sugestoes";
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Sugestões");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    host.classList.add("suggest-host");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var timer = 0;
    var pending = null; // the AbortController of the request in flight
    var asked = 0; // number of the last request: older answers are stale
    var shown = ""; // the text the list answers
    var active = -1;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function highlight(i) {
      var opts = options();
      if (active >= 0 && opts[active]) opts[active].setAttribute("aria-selected", "false");
      active = i;
      if (i < 0 || !opts[i]) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      opts[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    }

    function open() {
      if (!options().length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      highlight(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function show(text, html) {
      shown = text;
      active = -1;
      list.innerHTML = html;
      list.setAttribute("data-text", text); // what the list answers
      options().forEach(function (opt, i) {
        opt.id = list.id + "-" + i;
        opt.setAttribute("aria-selected", "false");
      });
      highlight(-1);
      if (options().length && document.activeElement === input) {
        open();
      } else {
        close();
      }
    }

    function ask() {
      var text = input.value.trim();
      var number = ++asked;
      if (pending) pending.abort();
      pending = null;
      if (text === shown) {
        open();
        return;
      }
      if (text.length < MIN_TEXT) {
        show(text, "");
        return;
      }
      var controller = new AbortController();
      pending = controller;
      fetch("/sugestoes?q=" + encodeURIComponent(text), {
        headers: { "HX-Request": "true" },
        signal: controller.signal,
      })
        .then(function (resp) {
          return resp.ok ? resp.text() : "";
        })
        .then(function (html) {
          if (number !== asked) return; // a newer text was asked for
          pending = null;
          show(text, html);
        })
        .catch(function () {
          // Aborted or offline: the form still searches.
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });

    input.addEventListener("keydown", function (e) {
      var opts = options();
      switch (e.key) {
        case "ArrowDown":
        case "ArrowUp":
          if (!opts.length) return;
          e.preventDefault();
          if (list.hidden) {
            open();
            highlight(e.key === "ArrowDown" ? 0 : opts.length - 1);
          } else if (e.key === "ArrowDown") {
            highlight(active + 1 < opts.length ? active + 1 : 0);
          } else {
            highlight(active > 0 ? active - 1 : opts.length - 1);
          }
          break;
        case "Enter":
          if (!list.hidden && active >= 0 && opts[active]) {
            e.preventDefault();
            window.location.assign(opts[active].href);
          }
          break; // otherwise the form searches the text
        case "Escape":
          if (!list.hidden) {
            e.preventDefault();
            close();
          }
          break;
      }
    });

    input.addEventListener("focus", function () {
      if (input.value.trim() === shown) open();
    });

    // A press on the list keeps the focus in the box, so that the tap or
    // click reaches its link.
    list.addEventListener("mousedown", function (e) {
      e.preventDefault();
    });

    input.addEventListener("blur", close);
  }

  function init() {
    document.querySelectorAll("input[data-suggest]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
