// Progressive enhancement: maps drawn with Leaflet (served by the site under /static/vendor/).
// Without JavaScript the maps stay hidden: a page lists its places anyway, and the admin's
// latitude and longitude are ordinary fields.
//
// Two kinds of map, each found by a data- attribute, configured by data- attributes and fed by
// JSON data elements (never inline script, which the Content Security Policy forbids):
// - [data-map-places]: public places as GeoJSON, a marker each whose popup links to the place;
// - [data-map-picker]: the admin's place form, where a click sets latitude and longitude.
//
// Leaflet itself: the admin and the places list load it with the page; elsewhere the map sits
// below the page's text, and this script fetches Leaflet's script and stylesheet (their
// addresses in data-leaflet-script and data-leaflet-stylesheet) once a map comes near the
// screen. Both are the site's own files, which the Content Security Policy allows.
(function () {
  "use strict";

  // Leaflet measures its container once; a container whose layout settles later (the admin's
  // form, a font loading) is measured again when its size changes.
  function followSize(map, container) {
    if (typeof ResizeObserver === "undefined") return;
    new ResizeObserver(function () {
      map.invalidateSize();
    }).observe(container);
  }

  function tiles(container) {
    return L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.tileAttribution,
      maxZoom: 19,
    });
  }

  // Leaflet guesses its marker images' folder from its stylesheet, which fails once the site's
  // static files carry hashed names: the template gives their addresses instead. (The drawing
  // at twice the size is data-marker-icon-retina: in dataset, "-2x" would not become a name.)
  function markerIcon(container) {
    return L.icon({
      iconUrl: container.dataset.markerIcon,
      iconRetinaUrl: container.dataset.markerIconRetina,
      shadowUrl: container.dataset.markerShadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
  }

  // An element with text (escaped as text, never read as HTML) and, for a name in another
  // language than the page's, its lang attribute.
  function element(tag, text, language) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (language && language !== document.documentElement.lang) node.lang = language;
    return node;
  }

  function link(text, url, language) {
    var anchor = element("a", text, language);
    anchor.href = url;
    return anchor;
  }

  function popup(properties, labels) {
    var content = document.createElement("div");
    content.className = "map-popup";
    var title = document.createElement("p");
    title.className = "map-popup-title";
    title.appendChild(link(properties.name, properties.url, properties.name_language));
    content.appendChild(title);
    var facts = document.createElement("ul");
    if (properties.events.length) {
      var events = element("li", labels.events + ": ");
      properties.events.forEach(function (event, index) {
        if (index) events.appendChild(document.createTextNode(", "));
        events.appendChild(link(event.name, event.url, event.name_language));
      });
      facts.appendChild(events);
    }
    if (properties.commemorations) {
      facts.appendChild(element("li", labels.commemorations + ": " + properties.commemorations));
    }
    if (properties.people) {
      facts.appendChild(element("li", labels.people + ": " + properties.people));
    }
    if (facts.children.length) content.appendChild(facts);
    return content;
  }

  function drawPlaces(container) {
    var data = document.getElementById(container.dataset.mapPlaces);
    if (!data) return;
    var places = JSON.parse(data.textContent);
    var labels = {
      events: container.dataset.labelEvents,
      commemorations: container.dataset.labelCommemorations,
      people: container.dataset.labelPeople,
    };
    var icon = markerIcon(container);
    container.hidden = false;
    container.style.visibility = "";
    // The page scrolls with the wheel; the map zooms with its buttons, keys or a pinch.
    var map = L.map(container, { scrollWheelZoom: false });
    followSize(map, container);
    tiles(container).addTo(map);
    var markers = L.geoJSON(places, {
      pointToLayer: function (feature, position) {
        var name = feature.properties.name;
        return L.marker(position, { icon: icon, title: name, alt: name });
      },
      onEachFeature: function (feature, marker) {
        marker.bindPopup(popup(feature.properties, labels));
      },
    }).addTo(map);
    map.fitBounds(markers.getBounds(), {
      maxZoom: Number(container.dataset.maxZoom) || 11,
      padding: [32, 32],
    });
  }

  function coordinate(input, limit) {
    var value = parseFloat(input.value);
    return isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  function drawPicker(container) {
    var latitude = document.getElementById(container.dataset.latitudeInput);
    var longitude = document.getElementById(container.dataset.longitudeInput);
    var editable = Boolean(latitude && longitude);
    var icon = markerIcon(container);
    var marker = null;
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, worldCopyJump: true });
    followSize(map, container);
    tiles(container).addTo(map);

    function current() {
      if (!editable) {
        var fixed = container.dataset.position;
        return fixed ? fixed.split(",").map(Number) : null;
      }
      var lat = coordinate(latitude, 90);
      var lng = coordinate(longitude, 180);
      return lat === null || lng === null ? null : [lat, lng];
    }

    function show(position, move) {
      if (!position) {
        if (marker) marker.remove();
        marker = null;
        return;
      }
      if (marker) marker.setLatLng(position);
      else marker = L.marker(position, { icon: icon, keyboard: false }).addTo(map);
      if (move) map.setView(position, Math.max(map.getZoom() || 0, 10));
    }

    var start = current();
    if (start) map.setView(start, 10);
    else map.setView([20, 0], 2);
    show(start, false);
    if (!editable) return;
    var help = container.parentNode.querySelector("[data-map-picker-help]");
    if (help) help.hidden = false;

    map.on("click", function (event) {
      // A click on the world's copy east or west of the first still means a longitude within
      // [-180, 180]; six decimals are what the fields store (about 10 cm).
      var point = event.latlng.wrap();
      latitude.value = point.lat.toFixed(6);
      longitude.value = point.lng.toFixed(6);
      show([point.lat, point.lng], false);
    });
    [latitude, longitude].forEach(function (input) {
      input.addEventListener("change", function () {
        show(current(), true);
      });
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-map-places]").forEach(drawPlaces);
    document.querySelectorAll("[data-map-picker]").forEach(drawPicker);
  }

  // Leaflet's stylesheet and script, added to the page; `done` once both have loaded (the map
  // is drawn with its styles, or tiles would land in the wrong places for a moment), `failed`
  // if either cannot be.
  function loadLeaflet(container, done, failed) {
    var pending = 2;
    function loaded() {
      pending -= 1;
      if (pending === 0) done();
    }
    var stylesheet = document.createElement("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = container.dataset.leafletStylesheet;
    stylesheet.onload = loaded;
    stylesheet.onerror = failed;
    document.head.appendChild(stylesheet);
    var script = document.createElement("script");
    script.src = container.dataset.leafletScript;
    script.onload = loaded;
    script.onerror = failed;
    document.head.appendChild(script);
  }

  function drawWhenNear() {
    var containers = document.querySelectorAll("[data-map-places][data-leaflet-script]");
    if (!containers.length) return;
    // Kept in the layout, still invisible, so that the observer sees where it is (browsers
    // without the stylesheet's `scripting` media query would leave it out of the layout).
    containers.forEach(function (container) {
      container.style.visibility = "hidden";
      container.hidden = false;
    });
    var requested = false;
    function load() {
      if (requested) return;
      requested = true;
      // No Leaflet, no map: its room goes back to the page, whose list of places remains.
      loadLeaflet(containers[0], drawAll, function () {
        containers.forEach(function (container) {
          container.style.display = "none";
        });
      });
    }
    if (typeof IntersectionObserver === "undefined") {
      load();
      return;
    }
    // A screen's height ahead: the map is usually drawn by the time the reader reaches it.
    var observer = new IntersectionObserver(
      function (entries) {
        var near = entries.some(function (entry) {
          return entry.isIntersecting;
        });
        if (!near) return;
        observer.disconnect();
        load();
      },
      { rootMargin: "100% 0px" },
    );
    containers.forEach(function (container) {
      observer.observe(container);
    });
  }

  function start() {
    if (typeof L === "undefined") drawWhenNear();
    else drawAll();
  }

  // Pages load this script deferred; the admin loads its media in the head, before the form.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
