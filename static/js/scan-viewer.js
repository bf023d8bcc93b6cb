// Progressive enhancement: the scan of the original, zoomable. OpenSeadragon opens each page's
// IIIF image service (level 0: static tiles served by this site; the address of its
// info.json is the data-info of the page's image). Without JavaScript, or while the viewer
// cannot open, the page keeps the images of the pages. The Content Security Policy allows no
// inline script: everything comes from data- attributes (templates/archive/includes/scan.html).
// OpenSeadragon's own buttons are images in divs that a keyboard cannot reach: the page has
// real buttons instead.
(function () {
  "use strict";

  function start(region) {
    var images = Array.prototype.slice.call(region.querySelectorAll("img[data-info]"));
    var controls = region.parentNode.querySelector(".scan-controls");
    if (!images.length || !controls || typeof window.OpenSeadragon !== "function") return;
    var list = region.querySelector(".scan-pages");
    var canvas = document.createElement("div");
    canvas.className = "scan-canvas";
    region.appendChild(canvas);

    var viewer = window.OpenSeadragon({
      element: canvas,
      prefixUrl: region.dataset.prefixUrl,
      tileSources: images.map(function (image) { return image.dataset.info; }),
      sequenceMode: images.length > 1,
      showNavigationControl: false,
      showSequenceControl: false,
      crossOriginPolicy: false,
      visibilityRatio: 0.5,
      gestureSettingsMouse: { clickToZoom: false },
    });

    var status = controls.querySelector("[data-scan=status]");
    var help = document.getElementById(region.getAttribute("aria-describedby"));

    function showPage(number) {
      // The focusable canvas is named after the page it shows, in the page's own words.
      viewer.canvas.setAttribute("role", "application");
      viewer.canvas.setAttribute("aria-label", images[number].alt);
      if (help) viewer.canvas.setAttribute("aria-describedby", help.id);
      if (status) {
        status.textContent = controls.dataset.pageStatus
          .replace("%(number)s", String(number + 1))
          .replace("%(count)s", String(images.length));
      }
      var previous = controls.querySelector("[data-scan=previous]");
      var next = controls.querySelector("[data-scan=next]");
      if (previous) previous.disabled = number === 0;
      if (next) next.disabled = number === images.length - 1;
    }

    viewer.addOnceHandler("open", function () {
      list.hidden = true;
      region.classList.add("scan-viewer-open");
      controls.hidden = false;
      if (help && help.dataset.viewerHelp) help.textContent = help.dataset.viewerHelp;
      showPage(0);
    });
    viewer.addHandler("page", function (event) { showPage(event.page); });
    viewer.addOnceHandler("open-failed", function () {
      // The images stay: a visitor sees the scan, only not zoomable.
      viewer.destroy();
      canvas.remove();
    });

    var actions = {
      "zoom-in": function () { viewer.viewport.zoomBy(1.5).applyConstraints(); },
      "zoom-out": function () { viewer.viewport.zoomBy(1 / 1.5).applyConstraints(); },
      home: function () { viewer.viewport.goHome(); },
      previous: function () { viewer.goToPage(Math.max(viewer.currentPage() - 1, 0)); },
      next: function () {
        viewer.goToPage(Math.min(viewer.currentPage() + 1, images.length - 1));
      },
    };
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-scan]");
      if (button && actions[button.dataset.scan]) actions[button.dataset.scan]();
    });
  }

  document.querySelectorAll(".scan-viewer").forEach(start);
})();
