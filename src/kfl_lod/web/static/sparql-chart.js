/* A YASR plugin "chart": a bar chart of a SELECT answer that has a number column, drawn by
 * Chart.js (npm chart.js, served by us from static/vendor/chartjs; no network, unlike YASR's own
 * chart plugin, which loads Google Charts from the web). It fits the GROUP BY shape: one row per
 * group, a label column (the first text column, else the first IRI column, shortened with the
 * prefixes) and one or more number columns, each a series of bars. Registered before sparql.js
 * creates YASGUI; the table stays the default view and the chart is one click away. */
(function () {
  "use strict";
  if (!window.Yasgui || !window.Chart) return;
  var configElement = document.getElementById("sparql-config");
  var cfg = configElement ? JSON.parse(configElement.textContent) : { texts: {} };
  var texts = cfg.texts || {};
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMBERS = [
    "integer", "decimal", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte",
  ].map(function (name) { return XSD + name; });
  var MAX_BARS = 200; // beyond this a bar chart is unreadable: the table is the better view
  // Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphical objects).
  var COLOURS = ["#0b4f9c", "#c25100", "#00703c", "#6b2fa0", "#8a4500"];

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && NUMBERS.indexOf(term.datatype) >= 0 &&
      isFinite(Number(term.value));
  }

  /* Which columns make a chart: {label: variable or null, values: [variables]}, or null. */
  function shape(results) {
    if (!results || !results.getVariables || results.getBoolean && results.getBoolean() !== undefined) return null;
    var type = results.getType && results.getType();
    if (type !== "json" && type !== "xml" && type !== "csv" && type !== "tsv") return null;
    var variables = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (!rows.length || rows.length > MAX_BARS) return null;
    var values = [];
    var texts = [];
    var iris = [];
    variables.forEach(function (v) {
      var bound = rows.filter(function (row) { return row[v]; });
      if (!bound.length) return;
      if (bound.every(function (row) { return isNumber(row[v]); })) values.push(v);
      else if (bound.every(function (row) { return row[v].type === "literal" || row[v].type === "typed-literal"; })) texts.push(v);
      else iris.push(v);
    });
    if (!values.length) return null;
    return { label: texts[0] || iris[0] || null, values: values };
  }

  function shorten(iri, prefixes) {
    if (cfg.base && iri.indexOf(cfg.base) === 0) return iri.slice(cfg.base.length);
    for (var p in prefixes) {
      if (prefixes[p] && iri.indexOf(prefixes[p]) === 0) return p + ":" + iri.slice(prefixes[p].length);
    }
    return iri;
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.priority = 5; // below the table (10): drawn only when chosen
    this.label = texts.q_chart || "Chart";
    this.chart = null;
  }
  ChartPlugin.prototype.canHandleResults = function () {
    return !!shape(this.yasr.results);
  };
  ChartPlugin.prototype.getIcon = function () {
    // Three bars, drawn like YASR's own icons (an SVG in a div.svgImg).
    var ns = "http://www.w3.org/2000/svg";
    var icon = document.createElement("div");
    icon.className = "svgImg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M1 14h14v1.5H1zM2 8h3v5H2zM6.5 3h3v10h-3zM11 6h3v7h-3z");
    svg.appendChild(path);
    icon.appendChild(svg);
    return icon;
  };
  ChartPlugin.prototype.destroy = function () {
    if (this.chart) this.chart.destroy();
    this.chart = null;
  };
  ChartPlugin.prototype.draw = function () {
    this.destroy();
    var results = this.yasr.results;
    var cols = shape(results);
    if (!cols) return;
    var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
    var rows = results.getBindings();
    var labels = rows.map(function (row, i) {
      var term = cols.label && row[cols.label];
      if (!term) return String(i + 1);
      return term.type === "uri" ? shorten(term.value, prefixes) : term.value;
    });
    var datasets = cols.values.map(function (v, i) {
      return {
        label: v,
        data: rows.map(function (row) { return row[v] ? Number(row[v].value) : null; }),
        backgroundColor: COLOURS[i % COLOURS.length],
      };
    });
    var description = fill(texts.q_chart_label, {
      values: cols.values.join(", "),
      label: cols.label || "#",
      n: rows.length,
    });
    var figure = document.createElement("figure");
    figure.className = "kfl-chart";
    var box = document.createElement("div");
    box.className = "kfl-chart-box";
    // Horizontal bars: long Polish names stay readable; the height grows with the number of bars.
    box.style.height = Math.max(160, rows.length * 24 * Math.min(cols.values.length, 3) + 80) + "px";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", description);
    canvas.textContent = description;
    box.appendChild(canvas);
    var caption = document.createElement("figcaption");
    caption.textContent = description + " " + (texts.q_chart_hint || "");
    figure.appendChild(box);
    figure.appendChild(caption);
    this.yasr.resultsEl.appendChild(figure);
    this.chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: "y",
        animation: false, // drawn at once: no motion, and a screenshot shows the whole chart
        maintainAspectRatio: false,
        responsive: true,
        plugins: { legend: { display: cols.values.length > 1 } },
        scales: { x: { beginAtZero: true } },
      },
      plugins: [
        {
          id: "kflWhiteBackground", // so a downloaded PNG is readable outside the page
          beforeDraw: function (chart) {
            var ctx = chart.ctx;
            ctx.save();
            ctx.fillStyle = "#fff";
            ctx.fillRect(0, 0, chart.width, chart.height);
            ctx.restore();
          },
        },
      ],
    });
  };
  ChartPlugin.prototype.download = function (filename) {
    var chart = this.chart;
    if (!chart) return undefined;
    return {
      getData: function () { return chart.toBase64Image("image/png"); },
      contentType: "image/png",
      filename: (filename || "kfl-sparql") + ".png",
      title: texts.q_chart_download || "PNG",
    };
  };

  window.Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
  window.Yasgui.Yasr.defaults.pluginOrder = ["table", "chart", "response"];
})();
