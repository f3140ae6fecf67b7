"""The search: GET parameters in, the matching spaces out.

Every filter is a plain GET parameter, so a search is a link one can send. Bad values
never raise: they are reported as problems and the filter is left out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from .. import words as lexis
from ..pages_index import Index, SpaceEntry
from ..words import fold

# Parameter names (Polish, since the links are shared among Polish users).
Q, DISTRICT, TYPE, PEOPLE, FREE, MODE, EQUIPMENT, STEP_FREE, HIDE_EXAMPLES, PAGE = (
    "q",
    "dzielnica",
    "rodzaj",
    "osoby",
    "bezplatnie",
    "forma",
    "wyposazenie",
    "bez_schodow",
    "bez_przykladow",
    "strona",
)
PARAMS = (Q, DISTRICT, TYPE, PEOPLE, FREE, MODE, EQUIPMENT, STEP_FREE, HIDE_EXAMPLES)
# Results per page: ten cards are about five phone screens.
PAGE_SIZE = 10
YES = "tak"
MAX_TEXT = 200
MAX_PEOPLE = 100000


@dataclass(frozen=True)
class InputProblem:
    """A parameter value that could not be used: which parameter, what value, which message."""

    param: str
    value: str
    key: str  # i18n text key


@dataclass(frozen=True)
class Query:
    """One search, already checked against the vocabularies of the release."""

    text: str = ""
    district: int | None = None
    type: str = ""  # space-type slug
    people: int | None = None
    free: bool = False
    modes: tuple[str, ...] = ()  # sharing-mode slugs: any of them
    equipment: tuple[str, ...] = ()  # equipment slugs: all of them
    step_free: bool = False
    hide_examples: bool = False
    page: int = 1

    @property
    def empty(self) -> bool:
        return dataclasses.replace(self, page=1) == Query()

    def without(self, param: str, value: str = "") -> Query:
        """The same search without one filter (or one value of a repeatable one), from its first page."""
        changes: dict[str, Any] = {"page": 1}
        if param == Q:
            changes["text"] = ""
        elif param == DISTRICT:
            changes["district"] = None
        elif param == TYPE:
            changes["type"] = ""
        elif param == PEOPLE:
            changes["people"] = None
        elif param == FREE:
            changes["free"] = False
        elif param == MODE:
            changes["modes"] = tuple(m for m in self.modes if value and m != value)
        elif param == EQUIPMENT:
            changes["equipment"] = tuple(e for e in self.equipment if value and e != value)
        elif param == STEP_FREE:
            changes["step_free"] = False
        elif param == HIDE_EXAMPLES:
            changes["hide_examples"] = False
        return dataclasses.replace(self, **changes)

    def active(self) -> list[tuple[str, str]]:
        """The filters set, as (parameter, value) pairs, one per removable chip."""
        return [(k, v) for k, v in self.params() if k != PAGE]

    def params(self) -> list[tuple[str, str]]:
        """The query as GET parameters (for links that keep the search)."""
        out: list[tuple[str, str]] = []
        if self.text:
            out.append((Q, self.text))
        if self.district is not None:
            out.append((DISTRICT, str(self.district)))
        if self.type:
            out.append((TYPE, self.type))
        if self.people is not None:
            out.append((PEOPLE, str(self.people)))
        if self.free:
            out.append((FREE, YES))
        out += [(MODE, m) for m in self.modes]
        out += [(EQUIPMENT, e) for e in self.equipment]
        if self.step_free:
            out.append((STEP_FREE, YES))
        if self.hide_examples:
            out.append((HIDE_EXAMPLES, YES))
        if self.page > 1:
            out.append((PAGE, str(self.page)))
        return out


def _whole(value: str) -> bool:
    """Whether ``value`` is a plain ASCII whole number (not '²' or '٣', which str.isdigit accepts).

    >>> _whole("40"), _whole("²"), _whole("4 0")
    (True, False, False)
    """
    return value.isascii() and value.isdigit() and len(value) <= 9


def parse(args: MultiDict, index: Index) -> tuple[Query, list[InputProblem]]:
    """Read the search from GET parameters; unusable values become problems, not errors."""
    problems: list[InputProblem] = []
    text = " ".join(args.get(Q, "").split())
    if len(text) > MAX_TEXT:
        problems.append(InputProblem(Q, text[:40] + "…", "err_text_long"))
        text = text[:MAX_TEXT]

    district = None
    raw = args.get(DISTRICT, "").strip()
    if raw:
        numbers = {d.number for d in index.districts}
        if _whole(raw) and int(raw) in numbers:
            district = int(raw)
        else:
            problems.append(InputProblem(DISTRICT, raw, "err_choice"))

    space_type = args.get(TYPE, "").strip()
    if space_type and space_type not in {c.slug for c in index.scheme_concepts("space-type")}:
        problems.append(InputProblem(TYPE, space_type, "err_choice"))
        space_type = ""

    people = None
    raw = args.get(PEOPLE, "").strip()
    if raw:
        if _whole(raw) and 0 < int(raw) <= MAX_PEOPLE:
            people = int(raw)
        else:
            problems.append(InputProblem(PEOPLE, raw, "err_people"))

    def slugs(param: str, scheme: str) -> tuple[str, ...]:
        allowed = [c.slug for c in index.scheme_concepts(scheme)]
        chosen = []
        for value in args.getlist(param):
            value = value.strip()
            if not value:
                continue
            if value in allowed:
                if value not in chosen:
                    chosen.append(value)
            else:
                problems.append(InputProblem(param, value, "err_choice"))
        return tuple(sorted(chosen, key=allowed.index))

    modes = slugs(MODE, "sharing-mode")
    equipment = slugs(EQUIPMENT, "equipment")

    def flag(param: str) -> bool:
        value = args.get(param, "").strip()
        if value and value != YES:
            problems.append(InputProblem(param, value, "err_flag"))
        return value == YES

    page = 1
    raw = args.get(PAGE, "").strip()
    if raw:
        if _whole(raw) and int(raw) >= 1:
            page = int(raw)
        else:
            problems.append(InputProblem(PAGE, raw, "err_page"))

    query = Query(
        text, district, space_type, people, flag(FREE), modes, equipment, flag(STEP_FREE), flag(HIDE_EXAMPLES), page
    )
    return query, problems


@dataclass
class SearchResult:
    """The spaces found (real ones first), and what the page needs to explain them."""

    spaces: list[SpaceEntry]  # every match, real records first, then illustrative ones
    unknown: dict[str, int] = field(default_factory=dict)  # filter param -> spaces left out for lack of that fact
    unknown_total: int = 0  # spaces left out only for lack of facts (each counted once)
    terms: list[str] = field(default_factory=list)  # the words of the text that were searched for
    partial: bool = False  # no space has every word: the closest are shown
    people_from_text: int | None = None  # "na 30 osób" in the text, used as the people filter
    facets: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # param -> value -> [real, illustrative]
    # The same for the whole publication: a choice no room has is disabled (one with none for this
    # search only stays choosable, since the person may be changing the other fields too).
    everywhere: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    drops: list[tuple[str, str, int]] = field(default_factory=list)  # (param, value, real rooms) if dropped
    # No real room meets every filter: the real rooms found without the filter whose removal finds
    # the most (the closest results, shown at once and not counted as found), and that filter.
    closest: list[SpaceEntry] = field(default_factory=list)
    closest_without: tuple[str, str] | None = None

    @property
    def real(self) -> list[SpaceEntry]:
        return [s for s in self.spaces if not s.illustrative]

    @property
    def examples(self) -> list[SpaceEntry]:
        return [s for s in self.spaces if s.illustrative]

    def pages(self) -> int:
        return max(1, -(-len(self.spaces) // PAGE_SIZE))

    def page(self, number: int) -> list[SpaceEntry]:
        """The spaces on page ``number`` (1-based), real ones first."""
        start = (min(number, self.pages()) - 1) * PAGE_SIZE
        return self.spaces[start : start + PAGE_SIZE]


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
    cached = getattr(index, "_everywhere", None)
    if cached is None:
        query = Query()
        cached = _facets(index, query, _Context(index, query, []), list(index.spaces.values()))
        index._everywhere = cached  # type: ignore[attr-defined]
    return cached


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
