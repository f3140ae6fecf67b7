/* The query page with JavaScript: YASGUI (@triply/yasgui, served by us) replaces the plain form.
 * Offline by design: prefix completion reads our own prefix list (never prefix.cc), the
 * class/property completers (which call the LOV web service) are off, and the endpoint list
 * names only this endpoint. The examples of sparql/ open as tabs; IRIs in results link to
 * our own pages; the limit headers are put in words when an answer was cut. */
(function () {
  "use strict";
  var configElement = document.getElementById("sparql-config");
  var host = document.getElementById("yasgui");
  if (!configElement || !host || !window.Yasgui) return;
  var cfg = JSON.parse(configElement.textContent);
  var Yasgui = window.Yasgui;
  var status = document.getElementById("yasgui-status");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  Yasgui.Yasqe.defaults.prefixCcApi = cfg.endpoint + "/prefixes.json";
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasr.defaults.prefixes = cfg.prefixes;
  // Downloads are named kfl-sparql-<the tab's name>.<extension> (wire() sets it per tab), as the
  // server names its answers kfl-sparql.<extension>.
  function fileName(tab) {
    var slug = (tab.getName() || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/ł/g, "l")
      .replace(/Ł/g, "L")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "");
    return slug ? "kfl-sparql-" + slug : "kfl-sparql";
  }
  // A link that works with and without JavaScript: the page runs ?query= itself. (YASGUI's own
  // link keeps the query after "#", which only a YASGUI that reads its URL understands.)
  function shareableLink(yasqe) {
    return location.origin + cfg.endpoint + "?" + new URLSearchParams({ query: yasqe.getValue() }).toString();
  }

  host.hidden = false;
  document.getElementById("yasgui-hint").hidden = false;
  var form = document.getElementById("query-form");
  if (form) form.hidden = true;
  var serverResult = document.getElementById("result");
  if (serverResult) serverResult.hidden = true;

  var request = {
    endpoint: cfg.endpoint,
    method: "POST",
    acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
    acceptHeaderGraph: "text/turtle,*/*;q=0.9",
  };
  var yasgui = new Yasgui(host, {
    persistenceId: null, // tabs are built from the examples each time; links carry the state
    populateFromUrl: false,
    copyEndpointOnNewTab: false,
    autofocus: false,
    tabName: cfg.texts.q_new_tab,
    requestConfig: request,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; }, keys: [] },
    yasqe: { value: cfg.query },
  });
  var first = yasgui.getTab();
  if (first) first.setQuery(cfg.query);
  cfg.examples.forEach(function (example) {
    yasgui.addTab(false, { name: example.title, yasqe: { value: example.query }, requestConfig: request });
  });

  function localLink(iri) {
    if (iri.indexOf(cfg.base) !== 0) return null;
    return cfg.basePath + iri.slice(cfg.base.length); // the IRI's path here: it answers with its page
  }

  // Limit headers in words, for the answer the active tab just got.
  function showLimits(tab, response) {
    if (!status || !response || !response.header) return;
    var h = response.header;
    var rows = h["x-kfl-result-rows"];
    if (h["x-kfl-results-truncated"] === "true") {
      status.textContent = fill(cfg.texts.q_truncated_js, {
        rows: rows,
        limit: h["x-kfl-results-limit"],
        bytes: h["x-kfl-results-byte-limit"],
      });
      status.classList.add("warning");
      status.hidden = false;
    } else if (rows !== undefined) {
      status.textContent = fill(cfg.texts.q_rows_js, { rows: rows });
      status.classList.remove("warning");
      status.hidden = false;
    } else {
      status.hidden = true;
    }
  }

  // YASR's "7 results in 0.019 seconds", in the page's language.
  function responseInfo(yasr) {
    var chip = yasr.dataElement;
    var results = yasr.results;
    if (!chip || !results) return;
    var bindings = results.getBindings && results.getBindings();
    var ms = results.getResponseTime && results.getResponseTime();
    var seconds = ms ? (ms / 1000).toLocaleString(cfg.lang === "en" ? "en-GB" : "pl-PL") : "";
    var text = bindings
      ? fill(cfg.texts.q_response_rows, { n: bindings.length, s: seconds })
      : fill(cfg.texts.q_response_time, { s: seconds });
    if (!ms) text = bindings ? fill(cfg.texts.q_rows_js, { rows: bindings.length }) : "";
    chip.textContent = text;
  }

  function wire(tab) {
    if (!tab || tab.__kflWired) return;
    tab.__kflWired = true;
    var yasqe = tab.getYasqe();
    if (yasqe) {
      // Each tab sets its own createShareableLink (to YASGUI's #-link); ours replaces it.
      yasqe.config.createShareableLink = shareableLink;
      yasqe.on("queryResponse", function (_yasqe, response) { showLimits(tab, response); });
    }
    var yasr = tab.getYasr();
    if (yasr) {
      yasr.config.getDownloadFileName = function () { return fileName(tab); };
      yasr.on("drawn", function () {
        responseInfo(yasr);
        var links = yasr.resultsEl ? yasr.resultsEl.querySelectorAll("a[href]") : [];
        for (var i = 0; i < links.length; i++) {
          var local = localLink(links[i].getAttribute("href"));
          if (local) {
            links[i].setAttribute("href", local);
            links[i].removeAttribute("target");
          }
        }
      });
    }
  }
  // YASGUI's markup misses names and roles that assistive technology needs (axe-core finds them);
  // they are added here, again whenever YASGUI redraws.
  function label(selector, text) {
    var found = host.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) {
      if (!found[i].getAttribute("aria-label")) found[i].setAttribute("aria-label", text);
    }
  }
  function accessible() {
    label(".yasqe .CodeMirror textarea", cfg.texts.q_query);
    label("input.autocomplete", cfg.texts.q_endpoint);
    label("select.tableSizer", cfg.texts.q_page_size);
    label("input.tableFilter", cfg.texts.q_filter);
    label(".dataTables_filter input", cfg.texts.q_filter);
    label(".dataTables_length select", cfg.texts.q_page_size);
    var lists = host.querySelectorAll("[role=tablist]");
    for (var i = 0; i < lists.length; i++) {
      if (!lists[i].getAttribute("aria-label")) lists[i].setAttribute("aria-label", cfg.texts.q_tabs);
      // A tab list holds tabs only: the "+" (new tab) button moves beside it.
      var buttons = lists[i].querySelectorAll("button");
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].setAttribute("aria-label", cfg.texts.q_add_tab);
        buttons[j].title = cfg.texts.q_add_tab;
        // Only the button moves: YASGUI inserts new tabs before its (now empty) holder.
        lists[i].parentNode.insertBefore(buttons[j], lists[i].nextSibling);
      }
    }
    // YASR names its views and its download button in English only.
    var views = { table: cfg.texts.q_table, response: cfg.texts.q_response, chart: cfg.texts.q_chart };
    Object.keys(views).forEach(function (name) {
      var buttons = host.querySelectorAll(".yasr_btn.select_" + name);
      for (var b = 0; b < buttons.length; b++) {
        var spans = buttons[b].querySelectorAll("span:not(.plugin_icon)");
        var word = spans.length ? spans[spans.length - 1] : null;
        if (word && word.textContent !== views[name]) word.textContent = views[name];
        // YASR greys out a view that cannot show the answer by a class only: say it too.
        var off = buttons[b].classList.contains("disabled") ? "true" : "false";
        if (buttons[b].getAttribute("aria-disabled") !== off) buttons[b].setAttribute("aria-disabled", off);
        var said = fill(cfg.texts.q_show_view, { name: views[name] });
        if (buttons[b].getAttribute("aria-label") !== said) {
          buttons[b].setAttribute("aria-label", said);
          buttons[b].title = said;
        }
      }
    });
    var downloads = host.querySelectorAll(".yasr_downloadIcon");
    for (var d = 0; d < downloads.length; d++) {
      if (downloads[d].getAttribute("aria-label") !== cfg.texts.q_download) {
        downloads[d].setAttribute("aria-label", cfg.texts.q_download);
      }
    }
    // Only the shown tab's panel exists: point aria-controls at panels that do.
    var tabs = host.querySelectorAll("[role=tab][aria-controls]");
    for (var k = 0; k < tabs.length; k++) {
      if (!document.getElementById(tabs[k].getAttribute("aria-controls"))) tabs[k].removeAttribute("aria-controls");
    }
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; accessible(); });
  }).observe(host, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  accessible();

  yasgui.on("tabSelect", function () { setTimeout(function () { wire(yasgui.getTab()); }, 0); });
  yasgui.on("tabChange", function () { wire(yasgui.getTab()); });
  wire(yasgui.getTab());
  if (cfg.run && first) first.query();
})();
