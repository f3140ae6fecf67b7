"""The search's data as JSON, for the search in the browser of a static export (search.js).

The server's search (web/search.py) reads Polish words through Morfeusz 2: a query word
stands for the published lemmas related to its own lemmas (web/words.py). A browser has no
Morfeusz, so the export does that work ahead of time, for every word form a person is
likely to type about this data: every form Morfeusz generates for every lemma of the
published texts (``projektorem``, ``sali``, ``warsztatów``...), plus the forms in the texts.
For each such form (folded: lower case, no diacritics) the index stores what the server's
``Lexicon.expand`` gives for it, so a word in the table is read exactly as the server reads
it. A word outside the table (a form no published lemma has) is matched in the browser
by the server's own rule for related lemmas (a long common beginning), which is what the
server does too when Morfeusz does not know a word.

Each space carries its result card as the server renders it (the same Jinja macro), so the
browser shows the server's cards; and its lemmas by weight, filters and sort keys.
"""

from __future__ import annotations

import json
from typing import Any

import morfeusz2
from flask import render_template_string

from .. import words as lexis
from ..web import i18n
from ..web import search as server_search
from ..web.index import Index, SpaceEntry
from ..web.pages import RESULTS_ANCHOR, Page

# What the browser needs of the interface texts ({n} filled in by search.js).
TEXT_KEYS = (
    "results_count",
    "results_none",
    "results_partial_heading",
    "results_partial",
    "examples_apart",
    "examples_heading",
    "examples_group_note",
    "people_from_text",
    "no_results",
    "export_search_note",
    "pages",
    "page_n",
    "real_rooms",
    "clear",
)
CARD = '{% from "pages/_macros.html" import space_card with context %}{{ space_card(page, t, s) }}'


def _texts_of(space: SpaceEntry, index: Index) -> list[str]:
    """The texts the search reads for a space (those of web/index._fields)."""
    venue, institution = space.venue, space.institution
    labels = [
        label
        for iri in [space.type, *space.equipment, *space.modes]
        if iri in index.concepts
        for label in index.concepts[iri].labels.values()
    ]
    parts = [space.name, *labels, venue.name, venue.street, venue.locality, space.description, space.conditions]
    if venue.district:
        parts += venue.district.labels.values()
    if institution:
        parts += [institution.name, institution.short_name]
    return [p for p in parts if p]


def word_forms(index: Index) -> tuple[list[str], dict[str, list[int]], list[str], list[str]]:
    """(lemmas, form -> indexes of the lemmas the server expands it to, filler forms, people forms)."""
    generator = morfeusz2.Morfeusz(analyse=False, generate=True)
    lemmas = sorted(index.lexicon.lemmas)
    number = {lemma: i for i, lemma in enumerate(lemmas)}
    candidates: set[str] = set()
    generated: dict[str, list[str]] = {}

    def forms_of(lemma: str) -> list[str]:
        if lemma not in generated:
            try:
                generated[lemma] = [orth for orth, *_ in generator.generate(lemma)]
            except RuntimeError:  # Morfeusz cannot generate from some lemmas (e.g. abbreviations)
                generated[lemma] = []
        return generated[lemma]

    analyser = lexis._morfeusz()
    for space in index.spaces.values():
        for text in _texts_of(space, index):
            for word in lexis.split(text):
                candidates.add(word.lower())
                with lexis._lock:
                    analyses = analyser.analyse(word)
                for _start, _end, (_orth, lemma, _tag, _names, _labels) in analyses:
                    candidates.update(f.lower() for f in forms_of(lemma.split(":", 1)[0]))
    extra = set(lexis.FILLER_LEMMAS) | {"sala", "salka", "pomieszczenie", "przestrzeń", "pokój", "szukać", "wolny"}
    extra |= {"osoba", "człowiek", "uczestnik", "miejsce", "potrzebować", "chcieć", "dostępny", "poszukiwać"}
    for lemma in extra:
        candidates.update(f.lower() for f in forms_of(lemma))
    # Phones type without Polish letters: the same forms folded, read by Morfeusz as typed ("osob" is "osoba").
    candidates |= {lexis.fold(form) for form in candidates}
    table: dict[str, list[int]] = {}
    fillers: set[str] = set()
    people: set[str] = set()
    for form in sorted(candidates):
        # Keyed as typed (lower case, with diacritics): Morfeusz reads "osób" but not "osob", and the
        # browser must read both as the server does (an unknown word is its own lemma).
        own, filler = lexis.analyse(form)
        if filler:
            fillers.add(form)
        if own & lexis.PEOPLE_LEMMAS:
            people.add(form)
        table[form] = sorted(number[lemma] for lemma in index.lexicon.expand(form) if lemma in number)
    return lemmas, table, sorted(fillers), sorted(people)


def search_index(index: Index, page: Page) -> bytes:
    """The JSON the exported home page searches in (see module doc); call inside a request context."""
    lemmas, forms, fillers, people = word_forms(index)
    number = {lemma: i for i, lemma in enumerate(lemmas)}
    slug = {iri: c.slug for iri, c in index.concepts.items()}
    spaces: list[dict[str, Any]] = []
    for space in index.spaces.values():
        card = render_template_string(CARD, page=page, t=page.t, lang=page.lang, s=space)
        spaces.append(
            {
                "id": space.id,
                "card": card,
                "illustrative": space.illustrative,
                "district": space.venue.district.number if space.venue.district else None,
                "type": slug.get(space.type, ""),
                "capacity": space.capacity,
                "free": space.free,
                "modes": [slug.get(m, "") for m in space.modes],
                "equipment": [slug.get(e, "") for e in space.equipment],
                "step_free": space.venue.step_free,
                "fields": [[weight, sorted(number[x] for x in have if x in number)] for weight, have in space.fields],
                "institution": lexis.fold(space.institution.name if space.institution else ""),
                "name": lexis.fold(space.name),
            }
        )
    texts = {key: i18n.TEXTS[key][0 if page.lang == "pl" else 1] for key in TEXT_KEYS}
    data = {
        "format": 1,
        "lang": page.lang,
        "keep_lang": page.choice.explicit,  # links carry ?lang= (the server's Page._keep)
        "base_path": page.base_path,
        "anchor": RESULTS_ANCHOR,
        "page_size": server_search.PAGE_SIZE,
        "max_text": server_search.MAX_TEXT,
        "max_people": server_search.MAX_PEOPLE,
        "min_stem": lexis.MIN_STEM,
        "max_tail": lexis.MAX_TAIL,
        "params": {
            "q": server_search.Q,
            "district": server_search.DISTRICT,
            "type": server_search.TYPE,
            "people": server_search.PEOPLE,
            "free": server_search.FREE,
            "mode": server_search.MODE,
            "equipment": server_search.EQUIPMENT,
            "step_free": server_search.STEP_FREE,
            "hide_examples": server_search.HIDE_EXAMPLES,
            "page": server_search.PAGE,
        },
        "choices": {
            "district": sorted(d.number for d in index.districts),
            "type": [c.slug for c in index.scheme_concepts("space-type")],
            "mode": [c.slug for c in index.scheme_concepts("sharing-mode")],
            "equipment": [c.slug for c in index.scheme_concepts("equipment")],
        },
        "texts": texts,
        "plural": {"rooms": ["salę", "sale", "sal"], "people": ["osoba", "osoby", "osób"]},
        "lemmas": lemmas,
        "forms": forms,
        "folded": {
            form: sorted(number[x] for x in found if x in number) for form, found in sorted(index.lexicon.forms.items())
        },
        "fillers": fillers,
        "filler_lemmas": sorted(lexis.FILLER_LEMMAS),
        "people_lemmas": sorted(lexis.PEOPLE_LEMMAS),
        "people_forms": people,
        "spaces": spaces,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
