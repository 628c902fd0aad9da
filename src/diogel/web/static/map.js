// The map page: LSOA rates, Gi* hot spots, density and council boundaries from the API,
// drawn with Leaflet (shipped with Diogel). No internet tiles unless a tile URL is set.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var words = JSON.parse(el.getAttribute("data-words"));
  var status = document.getElementById("map-status");
  var map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 });
  map.setView([51.6, -3.0], 9);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: el.getAttribute("data-tiles-attribution") || "" }).addTo(map);
  }
  var rateColours = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  function rateStyle(breaks) {
    return function (f) {
      var r = f.properties.rate, i = 0;
      while (i < breaks.length && r > breaks[i]) { i += 1; }
      return { color: "#3d3d3d", weight: 0.6, fillColor: rateColours[i], fillOpacity: 0.75 };
    };
  }
  function quantiles(values) {
    var v = values.filter(function (x) { return x !== null; }).sort(function (a, b) { return a - b; });
    if (!v.length) { return []; }
    return [0.2, 0.4, 0.6, 0.8].map(function (q) { return v[Math.floor(q * (v.length - 1))]; });
  }
  function hotStyle(f) {
    var c = String(f.properties["class"] || "");
    var hot = c.indexOf("hot") === 0;
    return { color: hot ? "#67001f" : "#053061", weight: 0.5, fillColor: hot ? "#b2182b" : "#2166ac", fillOpacity: 0.7 };
  }
  function kdeStyle(max) {
    return function (f) {
      var v = (f.properties.kde || 0) / (max || 1);
      return { stroke: false, fillColor: "#00441b", fillOpacity: Math.min(0.85, 0.1 + v * 0.75) };
    };
  }
  function fmt(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString(document.documentElement.lang === "cy" ? "cy-GB" : "en-GB", { maximumFractionDigits: 1 }); }
  var layers = {}, drawn = 0;
  function load(name, url, make) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        layers[name] = make(data);
        drawn += data.features.length;
        return layers[name];
      });
  }
  status.textContent = words.loading;
  var jobs = [
    load("councils", el.getAttribute("data-councils"), function (d) {
      return L.geoJSON(d, { style: { color: "#1b1b1b", weight: 1.5, fill: false }, interactive: false });
    }),
    load("rates", el.getAttribute("data-rates"), function (d) {
      var breaks = quantiles(d.features.map(function (f) { return f.properties.rate; }));
      return L.geoJSON(d, { style: rateStyle(breaks), onEachFeature: function (f, layer) {
        layer.bindTooltip(f.properties.name + ": " + fmt(f.properties.rate) + " " + words.rate.toLowerCase() + " (" + fmt(f.properties.count) + ")");
      } });
    }),
    load("gistar", el.getAttribute("data-gistar"), function (d) {
      return L.geoJSON(d, { style: hotStyle, onEachFeature: function (f, layer) {
        layer.bindTooltip(String(f.properties["class"]) + ": " + fmt(f.properties.count) + " " + words.count.toLowerCase());
      } });
    }),
    load("kde", el.getAttribute("data-kde"), function (d) {
      var max = d.features.reduce(function (m, f) { return Math.max(m, f.properties.kde || 0); }, 0);
      return L.geoJSON(d, { style: kdeStyle(max), interactive: false });
    })
  ];
  Promise.all(jobs).then(function () {
    var boxes = document.querySelectorAll("input[name=layer]");
    function sync() {
      boxes.forEach(function (box) {
        var layer = layers[box.value];
        if (!layer) { return; }
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
      if (layers.councils && map.hasLayer(layers.councils)) { layers.councils.bringToFront(); }
    }
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
    var bounds = layers.rates.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds); }
    el.setAttribute("data-drawn", String(drawn));
    status.textContent = words.drawn.replace("{n}", fmt(drawn));
  }).catch(function () { status.textContent = words.failed; });
}());
