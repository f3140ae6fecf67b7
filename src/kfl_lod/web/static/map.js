/* Draw the maps of a page from their JSON data blocks, with Leaflet served by us.
   The list of results never depends on this: without JavaScript, Leaflet or tiles the
   page stays whole and says why the map is missing. Data go into the page as text
   (textContent), never as HTML. */
(function () {
  "use strict";

  function popup(point, exampleText, sourceLang) {
    var box = document.createElement("div");
    var title = document.createElement("a");
    title.href = point.url;
    title.textContent = point.name;
    if (sourceLang) { title.lang = sourceLang; }
    box.appendChild(title);
    if (point.institution) {
      var who = document.createElement("div");
      who.textContent = point.institution;
      if (sourceLang) { who.lang = sourceLang; }
      box.appendChild(who);
    }
    if (point.spaces && point.spaces.length) {
      var list = document.createElement("ul");
      point.spaces.forEach(function (space) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = space.url;
        link.textContent = space.name;
        if (sourceLang) { link.lang = sourceLang; }
        item.appendChild(link);
        if (space.illustrative) {
          var badge = document.createElement("strong");
          badge.className = "badge badge-example";
          badge.textContent = exampleText;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(badge);
        }
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    return box;
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
    tiles.addTo(map);
    var bounds = [];
    var example = element.getAttribute("data-example");
    points.forEach(function (point) {
      var label = point.name + (point.institution ? " – " + point.institution : "");
      var marker = window.L.marker([point.lat, point.lon], { title: label, alt: label, keyboard: true });
      // Narrow enough for a 320 px screen, and clear of the zoom buttons (top left).
      marker.bindPopup(popup(point, example, element.getAttribute("data-source-lang")),
        { maxWidth: 250, autoPanPaddingTopLeft: [50, 10], autoPanPaddingBottomRight: [10, 10] });
      marker.addTo(map);
      bounds.push([point.lat, point.lon]);
    });
    var zoom = parseInt(element.getAttribute("data-zoom"), 10) || 12;
    if (bounds.length === 1) {
      map.setView(bounds[0], zoom);
    } else {
      // Room for the marker icons (41 px above their point) and the zoom buttons (top left).
      map.fitBounds(bounds, { paddingTopLeft: [50, 50], paddingBottomRight: [20, 20], maxZoom: 16 });
    }
  }

  var maps = document.querySelectorAll(".map[id]");
  for (var i = 0; i < maps.length; i++) { draw(maps[i]); }
})();
