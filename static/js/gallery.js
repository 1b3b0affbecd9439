// Motando: the ad page's photo gallery. The page works without this file.
(function () {
  "use strict";

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

  function init() {
    document.querySelectorAll("[data-gallery]").forEach(setupGallery);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
