/* Draw the maps of a page from their JSON data blocks, with Leaflet served by us.
   The list of results never depends on this: without JavaScript, Leaflet or tiles the
   page stays whole and says why the map is missing. Data go into the page as text
   (textContent), never as HTML. */
(function () {
  "use strict";

  function text(tag, value, sourceLang) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (sourceLang) { el.lang = sourceLang; }
    return el;
  }

  // One popup per point: every venue at these coordinates, each with its rooms.
  function popup(point, exampleText, sourceLang) {
    var box = document.createElement("div");
    point.venues.forEach(function (venue) {
      var part = document.createElement("div");
      part.className = "popup-venue";
      var title = text("a", venue.name, sourceLang);
      title.href = venue.url;
      part.appendChild(title);
      if (venue.institution) { part.appendChild(text("div", venue.institution, sourceLang)); }
      if (venue.spaces && venue.spaces.length) {
        var list = document.createElement("ul");
        venue.spaces.forEach(function (space) {
          var item = document.createElement("li");
          var link = text("a", space.name, sourceLang);
          link.href = space.url;
          item.appendChild(link);
          if (space.illustrative) {
            var badge = text("strong", exampleText);
            badge.className = "badge badge-example";
            item.appendChild(document.createTextNode(" "));
            item.appendChild(badge);
          }
          list.appendChild(item);
        });
        part.appendChild(list);
      }
      box.appendChild(part);
    });
    return box;
  }

  // Markers of 28 x 28 px (WCAG 2.5.8 asks 24): filled for rooms a source states, hollow
  // and dashed where every room at the point is an illustrative record.
  function icon(point) {
    return window.L.divIcon({
      className: "kfl-marker " + (point.example ? "kfl-marker-example" : "kfl-marker-real"),
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      popupAnchor: [0, -14],
      html: ""
    });
  }

  function draw(element) {
    var status = document.getElementById(element.id + "-status");
    var points;
    try {
      points = JSON.parse(document.getElementById(element.id + "-data").textContent);
    } catch (e) {
      points = [];
    }
    if (typeof window.L === "undefined" || !points.length) {
      if (status) { status.textContent = element.getAttribute("data-unavailable"); }
      return;
    }
    element.hidden = false;
    if (status) { status.textContent = ""; }
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = window.L.tileLayer(element.getAttribute("data-tiles"), {
      maxZoom: 19,
      attribution: element.getAttribute("data-attribution")
    });
    var warned = false;
    tiles.on("tileerror", function () {
      if (!warned && status) {
        warned = true;
        status.textContent = element.getAttribute("data-tiles-failed");
        element.classList.add("map-no-tiles");
      }
    });
    if (element.getAttribute("data-tiles")) { tiles.addTo(map); }
    var bounds = [];
    var example = element.getAttribute("data-example");
    var sourceLang = element.getAttribute("data-source-lang");
    var layer = window.L.layerGroup().addTo(map);

    function labelOf(point) {
      return point.venues.map(function (v) {
        return v.name + (v.institution ? " – " + v.institution : "");
      }).join("; ") + (point.example ? " (" + example + ")" : "");
    }

    function focusPopup(event) {
      // Focus moves into the popup, so keyboard and screen-reader users land on its links.
      var first = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (first) { first.focus(); }
    }

    function place(marker, label) {
      marker.on("add", function () {
        var el = marker.getElement();
        if (el) { el.setAttribute("aria-label", label); }
      });
      marker.on("popupopen", focusPopup);
      marker.addTo(layer);
    }

    // Markers closer than this many pixels would overlap (they are 28 px wide): such points are
    // drawn as one group marker that zooms in, or lists them all when the map cannot zoom further.
    var NEAR = 36;
    function render() {
      layer.clearLayers();
      var groups = [];
      points.forEach(function (point) {
        var at = map.latLngToLayerPoint([point.lat, point.lon]);
        var group = null;
        for (var g = 0; g < groups.length && !group; g++) {
          if (groups[g].at.distanceTo(at) < NEAR) { group = groups[g]; }
        }
        if (group) { group.points.push(point); } else { groups.push({ at: at, points: [point] }); }
      });
      groups.forEach(function (group) {
        var members = group.points;
        var first = members[0];
        if (members.length === 1) {
          var label = labelOf(first);
          var marker = window.L.marker([first.lat, first.lon], { title: label, keyboard: true, icon: icon(first) });
          // Narrow enough for a 320 px screen, and clear of the zoom buttons (top left).
          marker.bindPopup(popup(first, example, sourceLang),
            { maxWidth: 250, autoPanPaddingTopLeft: [50, 10], autoPanPaddingBottomRight: [10, 10] });
          place(marker, label);
          return;
        }
        var venues = [];
        members.forEach(function (p) { venues = venues.concat(p.venues); });
        var allExamples = members.every(function (p) { return p.example; });
        var count = String(venues.length);
        var groupLabel = element.getAttribute("data-group").replace("{n}", count) + ": " +
          members.map(labelOf).join("; ");
        var groupIcon = window.L.divIcon({
          className: "kfl-marker kfl-marker-group " + (allExamples ? "kfl-marker-example" : "kfl-marker-real"),
          iconSize: [32, 32],
          iconAnchor: [16, 16],
          popupAnchor: [0, -16],
          html: "<span>" + count + "</span>"
        });
        var center = window.L.latLngBounds(members.map(function (p) { return [p.lat, p.lon]; }));
        var grouped = window.L.marker(center.getCenter(), { title: groupLabel, keyboard: true, icon: groupIcon });
        if (map.getZoom() < map.getMaxZoom()) {
          grouped.on("click", function () {
            map.fitBounds(center, { padding: [60, 60], maxZoom: map.getMaxZoom() });
          });
        } else {
          grouped.bindPopup(popup({ venues: venues }, example, sourceLang), { maxWidth: 250 });
        }
        place(grouped, groupLabel);
      });
    }

    points.forEach(function (point) { bounds.push([point.lat, point.lon]); });
    // Escape closes an open popup and gives the focus back to its marker.
    element.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var open = null;
      layer.eachLayer(function (marker) {
        if (marker.isPopupOpen && marker.isPopupOpen()) { open = marker; }
      });
      if (open) {
        open.closePopup();
        var el = open.getElement();
        if (el) { el.focus(); }
        event.preventDefault();
      }
    });
    var zoom = parseInt(element.getAttribute("data-zoom"), 10) || 12;
    if (bounds.length === 1) {
      map.setView(bounds[0], zoom);
    } else {
      // Room for the marker icons and the zoom buttons (top left).
      map.fitBounds(bounds, { paddingTopLeft: [50, 50], paddingBottomRight: [20, 20], maxZoom: 16 });
    }
    render();
    map.on("zoomend", render);
  }

  var maps = document.querySelectorAll(".map[id]");
  for (var i = 0; i < maps.length; i++) { draw(maps[i]); }
})();
