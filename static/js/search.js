// Motando: the search page on top of htmx. The page works without this
// file: the form submits, facets, chips and pages are links.
//
// Every search answer carries, out of band, the form's fields as the
// address now says them; this file keeps what the person is typing when
// such an answer lands, clears a model when its brand changes, opens the
// filters as a dialog on a phone, and after a facet, a chip or a page
// takes the view and the keyboard focus to the results, announcing their
// count.
(function () {
  "use strict";

  var form, dialog, announcer;

  // A text field being typed in is not replaced: the next search, already
  // on its way, sends what it holds now.
  function keepTyping(e) {
    var active = document.activeElement;
    var target = e.detail.target;
    if (!active || !target || !(target === active || target.contains(active))) return;
    if (active.tagName === "INPUT" && active.type !== "checkbox" && active.type !== "radio") {
      e.detail.shouldSwap = false;
    } else {
      target.dataset.refocus = active.id;
    }
  }

  function refocus(e) {
    var id = e.detail.target && e.detail.target.dataset && e.detail.target.dataset.refocus;
    if (!id) return;
    var el = document.getElementById(id);
    if (el) el.focus({ preventScroll: true });
  }

  // Choosing a brand (or a state) empties the model and version (or the
  // city) before the search is sent: they belonged to the old choice.
  function clearDependents(e) {
    var ids = e.target.dataset && e.target.dataset.clears;
    if (!ids) return;
    ids.split(" ").forEach(function (id) {
      var dep = document.getElementById(id);
      if (dep) dep.value = "";
    });
  }

  // After a search the count is announced; when a link outside the form
  // (a facet, a chip, a page) made it, the results come into view and take
  // the focus.
  function afterSearch(e) {
    if (!e.detail.target || e.detail.target.id !== "resultados") return;
    var count = document.getElementById("contagem");
    if (!count) return;
    if (announcer) announcer.textContent = count.textContent.replace(/\s+/g, " ").trim();
    var elt = e.detail.elt || (e.detail.requestConfig && e.detail.requestConfig.elt);
    if (elt && form && !form.contains(elt)) {
      count.scrollIntoView({ block: "start" });
      count.focus({ preventScroll: true });
    }
  }

  function openFilters() {
    if (dialog && !dialog.open && dialog.showModal) dialog.showModal();
  }

  function closeFilters() {
    if (dialog && dialog.open) dialog.close();
  }

  function init() {
    form = document.getElementById("busca");
    if (!form) return;
    document.documentElement.classList.add("js");
    dialog = document.getElementById("filtros-dialogo");
    announcer = document.getElementById("busca-anuncio");
    document.addEventListener("change", clearDependents, true);
    document.body.addEventListener("htmx:oobBeforeSwap", keepTyping);
    document.body.addEventListener("htmx:oobAfterSwap", refocus);
    document.body.addEventListener("htmx:afterSettle", afterSearch);
    form.addEventListener("click", function (e) {
      if (e.target.closest("[data-filters-open]")) openFilters();
      if (e.target.closest("[data-filters-close]")) {
        closeFilters();
        var count = document.getElementById("contagem");
        if (count) {
          count.scrollIntoView({ block: "start" });
          count.focus({ preventScroll: true });
        }
      }
    });
    // The dialog holds form fields: Enter in one of them searches and
    // closes it.
    form.addEventListener("submit", closeFilters);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
