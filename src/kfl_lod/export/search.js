/*
 * The room search of a static export (kfl-lod export-site), run in the browser.
 *
 * The exported home page is the server's start page; a search (the same form, the same
 * GET parameters, so links to searches keep working) is answered here from
 * search-index.json, by the rules of the server's search (src/kfl_lod/web/search.py):
 * the same filters, the same reading of words (the index carries, for every word form
 * Morfeusz 2 knows for the published lemmas, the lemmas the server expands it to), the
 * same order, the server's own result cards. Not shown here: the map, the counts beside
 * each choice, the removable filter chips and the hints for searches with no result.
 */
(function () {
  "use strict";

  var FOLD_EXTRA = { "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss" };

  /* words.fold: lower case, no diacritics. */
  function fold(value) {
    var out = value.replace(/[łŁđĐøØß]/g, function (c) { return FOLD_EXTRA[c]; });
    return out.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }

  function split(value) {
    return value.match(/[\p{L}\p{N}_]+/gu) || [];
  }

  function whole(value) {
    return /^[0-9]{1,9}$/.test(value);
  }

  function plural(n, forms) {
    if (n === 1) return forms[0];
    if ([2, 3, 4].indexOf(n % 10) >= 0 && [12, 13, 14].indexOf(n % 100) < 0) return forms[1];
    return forms[2];
  }

  function commonPrefix(a, b) {
    var n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return n;
  }

  function Searcher(data) {
    this.data = data;
    this.forms = data.forms;
    this.folded = data.folded;
    this.fillers = new Set(data.fillers);
    this.people = new Set(data.people_forms);
    this.fillerLemmas = new Set(data.filler_lemmas);
    this.peopleLemmas = new Set(data.people_lemmas);
  }

  /* words.related: equal, or a long common beginning. */
  Searcher.prototype.related = function (a, b) {
    if (a === b) return true;
    var shorter = Math.min(a.length, b.length);
    if (shorter < this.data.min_stem) return false;
    return commonPrefix(a, b) >= Math.max(this.data.min_stem, shorter - this.data.max_tail);
  };

  /* Whether a word is a filler word, and whether it says "people" (words.analyse, terms). */
  Searcher.prototype.known = function (word) {
    return Object.prototype.hasOwnProperty.call(this.forms, word.toLowerCase());
  };
  Searcher.prototype.isFiller = function (word) {
    var lower = word.toLowerCase();
    if (this.known(word)) return this.fillers.has(lower);
    return this.fillerLemmas.has(fold(word)); // an unknown word is its own lemma
  };
  Searcher.prototype.saysPeople = function (word) {
    var lower = word.toLowerCase();
    if (this.known(word)) return this.people.has(lower);
    return this.peopleLemmas.has(fold(word));
  };

  /* Lexicon.expand: the published lemmas (as indexes) a query word stands for. */
  Searcher.prototype.expand = function (word) {
    var lower = word.toLowerCase();
    if (this.known(word)) return new Set(this.forms[lower]);
    var own = [fold(word)];
    var seen = this.folded[fold(word)] || [];
    for (var i = 0; i < seen.length; i++) own.push(this.data.lemmas[seen[i]]);
    var found = new Set();
    var lemmas = this.data.lemmas;
    for (var j = 0; j < lemmas.length; j++) {
      for (var k = 0; k < own.length; k++) {
        if (this.related(own[k], lemmas[j])) {
          found.add(j);
          break;
        }
      }
    }
    return found;
  };

  /* words.terms: the words that mean something, and a number of people if the text names one. */
  Searcher.prototype.terms = function (text) {
    var words = split(text);
    var kept = [];
    var people = null;
    var skip = -1;
    for (var i = 0; i < words.length; i++) {
      if (i === skip) continue;
      var word = words[i];
      if (/^[0-9]+$/.test(word) && i + 1 < words.length && this.saysPeople(words[i + 1])) {
        if (word.length <= 6 && people === null) {
          people = parseInt(word, 10);
          skip = i + 1;
          continue;
        }
      }
      if (this.isFiller(word)) continue;
      kept.push(word);
    }
    return { terms: kept, people: people };
  };

  /* search.parse, without the messages: an unusable value leaves its filter out, as on the server. */
  Searcher.prototype.parse = function (args) {
    var p = this.data.params;
    var choices = this.data.choices;
    var text = (args.get(p.q) || "").split(/\s+/).filter(Boolean).join(" ");
    if (text.length > this.data.max_text) text = text.slice(0, this.data.max_text);
    var q = { text: text, district: null, type: "", people: null, free: false, modes: [], equipment: [],
      step_free: false, hide_examples: false, page: 1 };
    var raw = (args.get(p.district) || "").trim();
    if (raw && whole(raw) && choices.district.indexOf(parseInt(raw, 10)) >= 0) q.district = parseInt(raw, 10);
    var type = (args.get(p.type) || "").trim();
    if (type && choices.type.indexOf(type) >= 0) q.type = type;
    raw = (args.get(p.people) || "").trim();
    if (raw && whole(raw) && parseInt(raw, 10) > 0 && parseInt(raw, 10) <= this.data.max_people) {
      q.people = parseInt(raw, 10);
    }
    function slugs(param, allowed) {
      var chosen = [];
      args.getAll(param).forEach(function (value) {
        value = value.trim();
        if (value && allowed.indexOf(value) >= 0 && chosen.indexOf(value) < 0) chosen.push(value);
      });
      return chosen.sort(function (a, b) { return allowed.indexOf(a) - allowed.indexOf(b); });
    }
    q.modes = slugs(p.mode, choices.mode);
    q.equipment = slugs(p.equipment, choices.equipment);
    q.free = (args.get(p.free) || "").trim() === "tak";
    q.step_free = (args.get(p.step_free) || "").trim() === "tak";
    q.hide_examples = (args.get(p.hide_examples) || "").trim() === "tak";
    raw = (args.get(p.page) || "").trim();
    if (raw && whole(raw) && parseInt(raw, 10) >= 1) q.page = parseInt(raw, 10);
    return q;
  };

  /* search._misses: null if a stated fact rules the space out; else the filters it fails, each "for lack of data". */
  function misses(space, q) {
    if (q.type && space.type !== q.type) return null;
    if (q.modes.length && !q.modes.some(function (m) { return space.modes.indexOf(m) >= 0; })) return null;
    if (q.equipment.length && !q.equipment.every(function (e) { return space.equipment.indexOf(e) >= 0; })) return null;
    var out = [];
    if (q.district !== null && space.district !== q.district) out.push(space.district === null);
    if (q.people !== null && (space.capacity === null || space.capacity < q.people)) out.push(space.capacity === null);
    if (q.free && space.free !== true) out.push(space.free === null);
    if (q.step_free && space.step_free !== true) out.push(space.step_free === null);
    return out;
  }

  function compareKeys(a, b) {
    for (var i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  /* search.run: filter and rank, real records first. */
  Searcher.prototype.run = function (q) {
    var self = this;
    var read = this.terms(q.text);
    var peopleFromText = null;
    if (read.people !== null && q.people === null) {
      q.people = read.people;
      peopleFromText = read.people;
    }
    var expanded = read.terms.map(function (t) { return self.expand(t); });
    var spaces = this.data.spaces.filter(function (s) { return !(q.hide_examples && s.illustrative); });
    var matches = spaces.map(function (space) {
      var matched = 0;
      var score = 0;
      expanded.forEach(function (lemmas) {
        var best = 0;
        space.fields.forEach(function (field) {
          if (field[0] > best && field[1].some(function (x) { return lemmas.has(x); })) best = field[0];
        });
        if (best) {
          matched += 1;
          score += best;
        }
      });
      return [matched, score];
    });
    var need = read.terms.length;
    var partial = need > 0 && !matches.some(function (m) { return m[0] === need; });
    if (partial) need = 1;
    var found = [];
    spaces.forEach(function (space, i) {
      if (matches[i][0] < need) return;
      var miss = misses(space, q);
      if (miss === null || miss.length) return;
      var key = [space.illustrative ? 1 : 0, -matches[i][0], -matches[i][1], space.institution, space.name, space.id];
      found.push([key, space]);
    });
    found.sort(function (a, b) { return compareKeys(a[0], b[0]); });
    return { spaces: found.map(function (f) { return f[1]; }), partial: partial, peopleFromText: peopleFromText };
  };

  function params(data, q, p, page) {
    var out = new URLSearchParams();
    if (q.text) out.append(p.q, q.text);
    if (q.district !== null) out.append(p.district, String(q.district));
    if (q.type) out.append(p.type, q.type);
    if (q.people !== null) out.append(p.people, String(q.people));
    if (q.free) out.append(p.free, "tak");
    q.modes.forEach(function (m) { out.append(p.mode, m); });
    q.equipment.forEach(function (e) { out.append(p.equipment, e); });
    if (q.step_free) out.append(p.step_free, "tak");
    if (q.hide_examples) out.append(p.hide_examples, "tak");
    if (page > 1) out.append(p.page, String(page));
    if (data.keep_lang) out.append("lang", data.lang);
    return out;
  }

  function element(tag, attributes, text) {
    var el = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (k) { el.setAttribute(k, attributes[k]); });
    if (text) el.textContent = text;
    return el;
  }

  function cards(list, label) {
    var ol = element("ol", label ? { class: "cards", "aria-label": label } : { class: "cards" });
    // The cards are the server's own HTML, made by the export from the published data (escaped by Jinja).
    ol.innerHTML = list.map(function (s) { return s.card; }).join("");
    return ol;
  }

  function fill(form, q, p) {
    function set(name, value) {
      var field = form.elements.namedItem(name);
      if (field && "value" in field) field.value = value;
    }
    set(p.q, q.text);
    set(p.district, q.district === null ? "" : String(q.district));
    set(p.type, q.type);
    set(p.people, q.people === null ? "" : String(q.people));
    form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      var on = (box.name === p.free && q.free) || (box.name === p.step_free && q.step_free) ||
        (box.name === p.hide_examples && q.hide_examples) ||
        (box.name === p.mode && q.modes.indexOf(box.value) >= 0) ||
        (box.name === p.equipment && q.equipment.indexOf(box.value) >= 0);
      box.checked = on;
      if (on) {
        box.disabled = false;
        var details = box.closest("details");
        if (details) details.open = true;
      }
    });
  }

  function show(data, q, result) {
    var t = data.texts;
    var p = data.params;
    var real = result.spaces.filter(function (s) { return !s.illustrative; });
    var examples = result.spaces.filter(function (s) { return s.illustrative; });
    var pages = Math.max(1, Math.ceil(result.spaces.length / data.page_size));
    var current = Math.min(q.page, pages);
    var shown = result.spaces.slice((current - 1) * data.page_size, current * data.page_size);
    var n = real.length;
    var heading = result.partial ? t.results_partial_heading :
      n === 0 ? t.results_none : t.results_count.replace("{n}", n).replace("{rooms}", plural(n, data.plural.rooms));

    var section = element("section", { class: "results", id: data.anchor, "aria-labelledby": "results-heading" });
    section.appendChild(element("h2", { id: "results-heading" }, heading));
    section.appendChild(element("p", { class: "note export-search" }, t.export_search_note));
    if (examples.length && !q.hide_examples) {
      section.appendChild(element("p", { class: "note examples-count" }, t.examples_apart.replace("{n}", examples.length)));
    }
    if (result.partial) section.appendChild(element("p", { class: "note partial" }, t.results_partial.replace("{n}", n)));
    if (result.peopleFromText !== null) {
      var k = result.peopleFromText;
      section.appendChild(element("p", { class: "note people-from-text" },
        t.people_from_text.replace("{n}", k).replace("{people}", plural(k, data.plural.people))));
    }
    if (!real.length) {
      var none = element("div", { class: "no-results" });
      none.appendChild(element("p", {}, t.no_results));
      section.appendChild(none);
    }
    var shownReal = shown.filter(function (s) { return !s.illustrative; });
    var shownExamples = shown.filter(function (s) { return s.illustrative; });
    if (shownReal.length) section.appendChild(cards(shownReal, t.real_rooms));
    if (shownExamples.length) {
      var group = element("section", { class: "examples-group", "aria-labelledby": "examples-heading" });
      group.appendChild(element("h2", { id: "examples-heading" }, t.examples_heading));
      group.appendChild(element("p", { class: "note" }, t.examples_group_note));
      group.appendChild(cards(shownExamples));
      section.appendChild(group);
    }
    if (pages > 1) {
      var nav = element("nav", { class: "pager", "aria-label": t.pages });
      var ul = element("ul");
      for (var i = 1; i <= pages; i++) {
        var href = data.base_path + "?" + params(data, q, p, i).toString() + "#" + data.anchor;
        var a = i === current ? element("a", { href: href, "aria-current": "page" }, String(i)) :
          element("a", { href: href, "aria-label": t.page_n.replace("{n}", i) }, String(i));
        var li = element("li");
        li.appendChild(a);
        ul.appendChild(li);
      }
      nav.appendChild(ul);
      section.appendChild(nav);
    }
    var layout = document.querySelector(".results-layout");
    if (!layout) return;
    layout.classList.remove("start");
    layout.replaceChildren(section);
    var form = document.querySelector("form.search-form");
    if (form) fill(form, q, p);
    var title = document.title.split(" – ");
    document.title = heading + " – " + title[title.length - 1];
    if (window.location.hash === "#" + data.anchor) section.scrollIntoView();
  }

  if (typeof module !== "undefined" && module.exports) {
    // Node (tests/test_static_export.py runs the same search over the index and compares with the server's).
    module.exports = { Searcher: Searcher, fold: fold };
    return;
  }
  var script = document.currentScript;
  var query = new URLSearchParams(window.location.search);
  var asked = false;
  query.forEach(function (_value, key) {
    if (key !== "lang") asked = true;
  });
  if (!asked) return;
  var base = script ? script.getAttribute("data-index") : null;
  fetch(base || "search-index.json", { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("search index: HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      var searcher = new Searcher(data);
      var q = searcher.parse(query);
      var result = searcher.run(q);
      show(data, q, result);
      document.documentElement.setAttribute("data-search", "done");
    })
    .catch(function (error) {
      document.documentElement.setAttribute("data-search", "failed");
      if (window.console) window.console.error(error);
    });
})();
