"""The search as it was before its columns (kfl_lod.pages_columns): one Python loop over every space.

Kept for tests/test_pages_index.py, which checks that the columnar search finds, orders and counts
exactly what this did. Copied from src/kfl_lod/web/search.py at 12dfaeb (results as lists of IRIs).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from kfl_lod import words as lexis
from kfl_lod.pages_index import Index, SpaceEntry
from kfl_lod.web.search import (
    DISTRICT,
    EQUIPMENT,
    FREE,
    HIDE_EXAMPLES,
    MODE,
    PEOPLE,
    STEP_FREE,
    TYPE,
    YES,
    Query,
)
from kfl_lod.words import fold


@dataclass
class SearchResult:
    spaces: list[SpaceEntry]
    unknown: dict[str, int] = field(default_factory=dict)
    unknown_total: int = 0
    terms: list[str] = field(default_factory=list)
    partial: bool = False
    people_from_text: int | None = None
    facets: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    everywhere: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    drops: list[tuple[str, str, int]] = field(default_factory=list)
    closest: list[SpaceEntry] = field(default_factory=list)
    closest_without: tuple[str, str] | None = None

    @property
    def real(self) -> list[SpaceEntry]:
        return [s for s in self.spaces if not s.illustrative]


class _Context:
    """What one search resolves once: concept IRIs and the lemmas each word stands for."""

    def __init__(self, index: Index, query: Query, terms: list[str]) -> None:
        base = index.base
        self.type_iri = base + f"vocab/space-type/{query.type}" if query.type else ""
        self.mode_iris = {base + f"vocab/sharing-mode/{m}" for m in query.modes}
        self.equipment_iris = {base + f"vocab/equipment/{e}" for e in query.equipment}
        self.expanded = [index.lexicon.expand(t) for t in terms]


def _text_match(space: SpaceEntry, expanded: list[frozenset[str]]) -> tuple[int, int]:
    """How many of the words the space matches, and a score weighting where (name first)."""
    matched = score = 0
    for lemmas in expanded:
        best = max((weight for weight, have in space.fields if have & lemmas), default=0)
        if best:
            matched += 1
            score += best
    return matched, score


def _misses(space: SpaceEntry, query: Query, ctx: _Context, skip: str = "") -> list[tuple[str, bool]] | None:
    """None if a stated fact rules the space out; else the fact filters it fails, each with 'for lack of data'."""
    venue = space.venue
    if ctx.type_iri and skip != TYPE and space.type != ctx.type_iri:
        return None
    if ctx.mode_iris and skip != MODE and not ctx.mode_iris.intersection(space.modes):
        return None
    if ctx.equipment_iris and skip != EQUIPMENT and not ctx.equipment_iris.issubset(space.equipment):
        return None
    misses: list[tuple[str, bool]] = []
    if query.district is not None and skip != DISTRICT:
        if venue.district is None or venue.district.number != query.district:
            misses.append((DISTRICT, venue.district is None))
    if query.people is not None and skip != PEOPLE and (space.capacity is None or space.capacity < query.people):
        misses.append((PEOPLE, space.capacity is None))
    if query.free and skip != FREE and space.free is not True:
        misses.append((FREE, space.free is None))
    if query.step_free and skip != STEP_FREE and venue.step_free is not True:
        misses.append((STEP_FREE, venue.step_free is None))
    return misses


def run(index: Index, query: Query, with_facets: bool = True) -> SearchResult:
    """Filter and rank the spaces of ``index`` by ``query``: real records first, then by how well they match."""
    terms, people = lexis.terms(query.text)
    people_from_text = None
    if people is not None and query.people is None:
        query = dataclasses.replace(query, people=people)
        people_from_text = people
    ctx = _Context(index, query, terms)
    spaces = [s for s in index.spaces.values() if not (query.hide_examples and s.illustrative)]
    matches = {s.iri: _text_match(s, ctx.expanded) for s in spaces}
    need = len(terms)
    partial = bool(terms) and not any(m[0] == need for m in matches.values())
    if partial:  # no space has every word: rank those having the most of them
        need = 1
    candidates = [s for s in spaces if matches[s.iri][0] >= need]

    found: list[tuple[tuple, SpaceEntry]] = []
    unknown = {DISTRICT: 0, PEOPLE: 0, FREE: 0, STEP_FREE: 0}
    unknown_total = 0
    for space in candidates:
        misses = _misses(space, query, ctx)
        if misses is None:
            continue
        if misses:
            if all(lacking for _, lacking in misses):  # might fit: no known fact rules it out
                unknown_total += 1
                for param, _ in misses:
                    unknown[param] += 1
            continue
        matched, score = matches[space.iri]
        institution = space.institution.name if space.institution else ""
        key = (space.illustrative, -matched, -score, fold(institution), fold(space.name), space.id)
        found.append((key, space))
    found.sort(key=lambda pair: pair[0])
    result = SearchResult(
        [space for _, space in found],
        {k: v for k, v in unknown.items() if v},
        unknown_total,
        terms,
        partial,
        people_from_text,
    )
    if with_facets:
        result.facets = _facets(index, query, ctx, candidates)
        result.everywhere = everywhere(index)
        if not result.real:
            dropped = _drops(index, query)
            result.drops = [(param, value, len(real)) for param, value, real in dropped]
            # Closest only while another filter still narrows them: without one it is every room.
            if dropped and any(p != HIDE_EXAMPLES for p, _ in query.without(*dropped[0][:2]).active()):
                param, value, result.closest = dropped[0]
                result.closest_without = (param, value)
    return result


def _facets(index: Index, query: Query, ctx: _Context, candidates: list[SpaceEntry]) -> dict[str, dict[str, list[int]]]:
    """For every choice of every filter, how many rooms (real, illustrative) the search would find with it."""
    facets: dict[str, dict[str, list[int]]] = {
        DISTRICT: {},
        TYPE: {},
        MODE: {},
        EQUIPMENT: {},
        FREE: {},
        STEP_FREE: {},
        HIDE_EXAMPLES: {},
    }
    slug = {iri: c.slug for iri, c in index.concepts.items()}

    def add(param: str, value: str, space: SpaceEntry) -> None:
        facets[param].setdefault(value, [0, 0])[space.illustrative] += 1

    for space in candidates:
        for param in (DISTRICT, TYPE, MODE, FREE, STEP_FREE, EQUIPMENT, HIDE_EXAMPLES):
            # A single choice is counted as if chosen instead of the current one; equipment (all of them) on top.
            misses = _misses(space, query, ctx, skip=param if param != EQUIPMENT else "")
            if misses is None or misses:
                continue
            if param == DISTRICT and space.venue.district is not None:
                add(param, str(space.venue.district.number), space)
            elif param == TYPE and space.type in slug:
                add(param, slug[space.type], space)
            elif param == MODE:
                for iri in space.modes:
                    add(param, slug.get(iri, ""), space)
            elif param == EQUIPMENT:
                for iri in space.equipment:
                    add(param, slug.get(iri, ""), space)
            elif param == FREE and space.free is True:
                add(param, YES, space)
            elif param == STEP_FREE and space.venue.step_free is True:
                add(param, YES, space)
            elif param == HIDE_EXAMPLES and not space.illustrative:
                add(param, YES, space)
    return facets


def everywhere(index: Index) -> dict[str, dict[str, list[int]]]:
    """The facet counts of the whole publication (kept on the index: it changes with the release only)."""
    query = Query()
    return _facets(index, query, _Context(index, query, []), list(index.spaces.values()))


def _drops(index: Index, query: Query) -> list[tuple[str, str, list[SpaceEntry]]]:
    """For a search that found no real room: each filter whose removal finds some (and those rooms), most first."""
    drops = []
    for param, value in query.active():
        if param == HIDE_EXAMPLES:
            continue
        found = run(index, query.without(param, value), with_facets=False).real
        if found:
            drops.append((param, value, found))
    drops.sort(key=lambda d: -len(d[2]))  # stable: ties keep the order of the form
    return drops
