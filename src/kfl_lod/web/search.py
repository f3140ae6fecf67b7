"""The search: GET parameters in, the matching spaces out.

Every filter is a plain GET parameter, so a search is a link one can send. Bad values
never raise: they are reported as problems and the filter is left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
from werkzeug.datastructures import MultiDict

from .. import words as lexis
from ..pages_columns import NO_CAPACITY, NOT_STATED, UNKNOWN
from ..pages_columns import YES as YES_VALUE
from ..pages_index import Index, SpaceEntry

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


class Spaces(Sequence[SpaceEntry]):
    """Spaces of an index by position, their entries read only when asked for (a page shows ten of 100,000)."""

    def __init__(self, index: Index, positions: np.ndarray) -> None:
        self.of = index  # (not "index": a Sequence has an index method)
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, item: int) -> SpaceEntry: ...
    @overload
    def __getitem__(self, item: slice) -> list[SpaceEntry]: ...
    def __getitem__(self, item: int | slice) -> SpaceEntry | list[SpaceEntry]:
        if isinstance(item, slice):
            return [self.of.space_at(int(p)) for p in self.positions[item]]
        return self.of.space_at(int(self.positions[item]))

    def __iter__(self) -> Iterator[SpaceEntry]:
        for p in self.positions:
            yield self.of.space_at(int(p))

    def where(self, mask: np.ndarray) -> Spaces:
        """The spaces of this sequence whose position is set in ``mask`` (over all spaces), in this order."""
        return Spaces(self.of, self.positions[mask[self.positions]])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spaces):
            return self.of is other.of and np.array_equal(self.positions, other.positions)
        return isinstance(other, list) and list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spaces({len(self)})"


@dataclass
class SearchResult:
    """The spaces found (real ones first), and what the page needs to explain them."""

    spaces: Spaces  # every match, real records first, then illustrative ones
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
    closest: Sequence[SpaceEntry] = field(default_factory=list)
    closest_without: tuple[str, str] | None = None

    @property
    def real(self) -> Spaces:
        return self.spaces.where(~self.spaces.of.columns.illustrative)

    @property
    def examples(self) -> Spaces:
        return self.spaces.where(self.spaces.of.columns.illustrative)

    def pages(self) -> int:
        return max(1, -(-len(self.spaces) // PAGE_SIZE))

    def page(self, number: int) -> list[SpaceEntry]:
        """The spaces on page ``number`` (1-based), real ones first."""
        start = (min(number, self.pages()) - 1) * PAGE_SIZE
        return self.spaces[start : start + PAGE_SIZE]


FACT_FILTERS = (DISTRICT, PEOPLE, FREE, STEP_FREE)  # filters a space may fail only for lack of a stated fact


class _Context:
    """What one search resolves once, as masks over every space: who each filter rules out or misses."""

    def __init__(self, index: Index, query: Query, terms: list[str]) -> None:
        base = index.base
        cols = self.columns = index.columns
        n = len(cols)
        self.expanded = [index.lexicon.expand(t) for t in terms]
        everyone = np.ones(n, dtype=bool)
        # Choice filters: a stated fact rules the space out.
        self.excludes: dict[str, np.ndarray] = {}
        if query.type:
            iri = base + f"vocab/space-type/{query.type}"
            code = cols.type_iris.index(iri) if iri in cols.type_iris else -2
            self.excludes[TYPE] = cols.type != code
        if query.modes:
            iris = {base + f"vocab/sharing-mode/{m}" for m in query.modes}
            columns = [k for k, iri in enumerate(cols.mode_iris) if iri in iris]
            self.excludes[MODE] = np.asarray(~cols.modes[:, columns].any(axis=1)) if columns else everyone
        if query.equipment:
            iris = {base + f"vocab/equipment/{e}" for e in query.equipment}
            columns = [k for k, iri in enumerate(cols.equipment_iris) if iri in iris]
            self.excludes[EQUIPMENT] = (
                np.asarray(~cols.equipment[:, columns].all(axis=1)) if len(columns) == len(iris) else everyone
            )
        # Fact filters: (fails it, fails it only because the fact is not stated).
        self.misses: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if query.district is not None:
            lacking = cols.district == UNKNOWN
            self.misses[DISTRICT] = (cols.district != query.district, lacking)
        if query.people is not None:
            lacking = cols.capacity == NO_CAPACITY
            self.misses[PEOPLE] = (lacking | (cols.capacity < query.people), lacking)
        if query.free:
            self.misses[FREE] = (cols.free != YES_VALUE, cols.free == NOT_STATED)
        if query.step_free:
            self.misses[STEP_FREE] = (cols.step_free != YES_VALUE, cols.step_free == NOT_STATED)

    def excluded(self, skip: str = "") -> np.ndarray | None:
        """Spaces a stated fact rules out (None: none is), the filter ``skip`` left aside."""
        found = None
        for param, mask in self.excludes.items():
            if param != skip:
                found = mask if found is None else found | mask
        return found

    def ok(self, within: np.ndarray, skip: str = "") -> np.ndarray:
        """The spaces of ``within`` (a mask) that meet every filter but ``skip``."""
        ok = within.copy()
        excluded = self.excluded(skip)
        if excluded is not None:
            ok &= ~excluded
        for param, (miss, _) in self.misses.items():
            if param != skip:
                ok &= ~miss
        return ok


def _text_match(ctx: _Context) -> tuple[np.ndarray, np.ndarray]:
    """Per space, how many of the words it matches, and a score weighting where (name first)."""
    n = len(ctx.columns)
    matched = np.zeros(n, dtype=np.int32)
    score = np.zeros(n, dtype=np.int32)
    for lemmas in ctx.expanded:
        best = ctx.columns.best_weight(lemmas)
        matched += best > 0
        score += best
    return matched, score


def run(index: Index, query: Query, with_facets: bool = True) -> SearchResult:
    """Filter and rank the spaces of ``index`` by ``query``: real records first, then by how well they match."""
    terms, people = lexis.terms(query.text)
    people_from_text = None
    if people is not None and query.people is None:
        query = dataclasses.replace(query, people=people)
        people_from_text = people
    ctx = _Context(index, query, terms)
    cols = ctx.columns
    spaces = ~cols.illustrative if query.hide_examples else np.ones(len(cols), dtype=bool)
    need = len(terms)
    if terms:
        matched, score = _text_match(ctx)
        partial = not bool(np.any(spaces & (matched == need)))
        if partial:  # no space has every word: rank those having the most of them
            need = 1
        candidates = spaces & (matched >= need)
    else:
        matched = score = np.zeros(len(cols), dtype=np.int32)
        partial = False
        candidates = spaces

    found = ctx.ok(candidates)
    positions = np.flatnonzero(found)
    order = np.lexsort((cols.rank[positions], -score[positions], -matched[positions], cols.illustrative[positions]))
    # Left out only for lack of facts: every filter it fails, it fails for want of a stated value.
    unknown: dict[str, int] = {}
    unknown_total = 0
    if ctx.misses:
        excluded = ctx.excluded()
        considered = candidates & ~excluded if excluded is not None else candidates
        failed = np.zeros(len(cols), dtype=bool)
        known_failure = np.zeros(len(cols), dtype=bool)
        for miss, lacking in ctx.misses.values():
            failed |= miss
            known_failure |= miss & ~lacking
        unknowable = considered & failed & ~known_failure
        unknown_total = int(unknowable.sum())
        for param in FACT_FILTERS:
            if param in ctx.misses:
                count = int((unknowable & ctx.misses[param][0]).sum())
                if count:
                    unknown[param] = count
    result = SearchResult(
        Spaces(index, positions[order]),
        unknown,
        unknown_total,
        terms,
        partial,
        people_from_text,
    )
    if with_facets:
        result.facets = _facets(index, ctx, candidates)
        result.everywhere = everywhere(index)
        if not result.real:
            dropped = _drops(index, query)
            result.drops = [(param, value, len(real)) for param, value, real in dropped]
            # Closest only while another filter still narrows them: without one it is every room.
            if dropped and any(p != HIDE_EXAMPLES for p, _ in query.without(*dropped[0][:2]).active()):
                param, value, result.closest = dropped[0]
                result.closest_without = (param, value)
    return result


def _counts(values: np.ndarray, illustrative: np.ndarray) -> dict[int, list[int]]:
    """For each value (a non-negative code), how many spaces (real, illustrative) have it."""
    if not len(values):
        return {}
    real = np.bincount(values[~illustrative], minlength=int(values.max()) + 1)
    examples = np.bincount(values[illustrative], minlength=int(values.max()) + 1)
    return {k: [int(real[k]), int(examples[k])] for k in range(len(real)) if real[k] or examples[k]}


def _add(facet: dict[str, list[int]], value: str, counts: list[int]) -> None:
    found = facet.setdefault(value, [0, 0])
    found[0] += counts[0]
    found[1] += counts[1]


def _facets(index: Index, ctx: _Context, candidates: np.ndarray) -> dict[str, dict[str, list[int]]]:
    """For every choice of every filter, how many rooms (real, illustrative) the search would find with it."""
    cols = ctx.columns
    slug = {iri: c.slug for iri, c in index.concepts.items()}
    ill = cols.illustrative
    facets: dict[str, dict[str, list[int]]] = {}

    # A single choice is counted as if chosen instead of the current one; equipment (all of them) on top.
    ok = ctx.ok(candidates, DISTRICT)
    has = ok & (cols.district != UNKNOWN)
    facets[DISTRICT] = {str(k): v for k, v in _counts(cols.district[has], ill[has]).items()}

    ok = ctx.ok(candidates, TYPE)
    has = ok & (cols.type != UNKNOWN)
    facets[TYPE] = {}
    for code, counts in _counts(cols.type[has], ill[has]).items():
        if cols.type_iris[code] in slug:
            _add(facets[TYPE], slug[cols.type_iris[code]], counts)

    for param, matrix, iris, skip in (
        (MODE, cols.modes, cols.mode_iris, MODE),
        (EQUIPMENT, cols.equipment, cols.equipment_iris, ""),
    ):
        ok = ctx.ok(candidates, skip)
        facets[param] = {}
        for k, iri in enumerate(iris):
            has = ok & matrix[:, k]
            counts = [int((has & ~ill).sum()), int((has & ill).sum())]
            if counts[0] or counts[1]:
                _add(facets[param], slug.get(iri, ""), counts)

    for param, column in ((FREE, cols.free), (STEP_FREE, cols.step_free)):
        has = ctx.ok(candidates, param) & (column == YES_VALUE)
        counts = [int((has & ~ill).sum()), int((has & ill).sum())]
        facets[param] = {YES: counts} if counts[0] or counts[1] else {}

    has = ctx.ok(candidates, HIDE_EXAMPLES) & ~ill
    real = int(has.sum())
    facets[HIDE_EXAMPLES] = {YES: [real, 0]} if real else {}
    return facets


def everywhere(index: Index) -> dict[str, dict[str, list[int]]]:
    """The facet counts of the whole publication (kept on the index: it changes with the release only)."""
    cached = getattr(index, "_everywhere", None)
    if cached is None:
        query = Query()
        cached = _facets(index, _Context(index, query, []), np.ones(len(index.columns), dtype=bool))
        index._everywhere = cached  # type: ignore[attr-defined]
    return cached


def _drops(index: Index, query: Query) -> list[tuple[str, str, Spaces]]:
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
