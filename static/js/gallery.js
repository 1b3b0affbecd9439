// Motando: the ad page's photo gallery. The page works without this file:
// the thumbnails are links to the page showing that photo, and the main
// photo is a link to the large image.
(function () {
  "use strict";

  // lightboxOptions are PhotoSwipe's options, in Portuguese.
  var lightboxOptions = {
    bgOpacity: 1,
    closeTitle: "Fechar (Esc)",
    zoomTitle: "Ampliar",
    arrowPrevTitle: "Foto anterior",
    arrowNextTitle: "Próxima foto",
    errorMsg: "Não foi possível carregar a foto.",
    indexIndicatorSep: " de ",
    // A photo can always be zoomed in, to twice its fitted size at least.
    secondaryZoomLevel: function (z) { return Math.max(Math.min(1, z.fit * 3), z.fit * 2); },
    maxZoomLevel: function (z) { return Math.max(1, z.fit * 4); }
  };

  // Gallery: thumbnails show their photo in the large view without a page
  // load; arrow keys move through the photos; the large view opens the
  // lightbox (PhotoSwipe, loaded by the page) with swipe, keyboard and zoom.
  function setupGallery(gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    var thumbs = gallery.querySelectorAll("a[data-large]");
    if (!main || thumbs.length === 0) return;
    var img = main.querySelector("img");
    var title = img.alt.replace(/^Foto \d+ de \d+: /, "");
    var current = 0;
    thumbs.forEach(function (t, i) {
      if (t.getAttribute("aria-current") === "true") current = i;
    });

    function show(i) {
      current = (i + thumbs.length) % thumbs.length;
      var t = thumbs[current];
      img.srcset = t.dataset.srcset;
      img.src = t.dataset.large;
      img.width = Number(t.dataset.width);
      img.height = Number(t.dataset.height);
      img.alt = "Foto " + (current + 1) + " de " + thumbs.length + ": " + title;
      main.href = t.dataset.large;
      thumbs.forEach(function (x) { x.removeAttribute("aria-current"); });
      t.setAttribute("aria-current", "true");
    }

    function openLightbox() {
      var slides = Array.prototype.map.call(thumbs, function (t, i) {
        return {
          src: t.dataset.large, srcset: t.dataset.srcset,
          width: Number(t.dataset.width), height: Number(t.dataset.height),
          msrc: t.querySelector("img").currentSrc,
          alt: "Foto " + (i + 1) + " de " + thumbs.length + ": " + title
        };
      });
      var options = Object.assign({ dataSource: slides, index: current }, lightboxOptions);
      var pswp = new window.PhotoSwipe(options);
      // The large view follows the lightbox, which opens from it and
      // closes back into it.
      pswp.on("change", function () { show(pswp.currIndex); });
      pswp.addFilter("thumbEl", function () { return img; });
      pswp.init();
      pswp.element.setAttribute("aria-label", "Fotos: " + title);
      pswp.element.setAttribute("aria-modal", "true");
    }

    thumbs.forEach(function (t, i) {
      t.addEventListener("click", function (e) { e.preventDefault(); show(i); });
    });
    main.addEventListener("click", function (e) {
      // Until the library has loaded, the link opens the large image.
      if (typeof window.PhotoSwipe !== "function" || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      openLightbox();
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
