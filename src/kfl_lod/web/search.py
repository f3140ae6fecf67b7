"""The search: GET parameters in, the matching spaces out.

Every filter is a plain GET parameter, so a search is a link one can send. Bad values
never raise: they are reported as problems and the filter is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from .index import Index, SpaceEntry, fold, words

# Parameter names (Polish, since the links are shared among Polish users).
Q, DISTRICT, TYPE, PEOPLE, FREE, MODE, EQUIPMENT, STEP_FREE, HIDE_EXAMPLES = (
    "q",
    "dzielnica",
    "rodzaj",
    "osoby",
    "bezplatnie",
    "forma",
    "wyposazenie",
    "bez_schodow",
    "bez_przykladow",
)
PARAMS = (Q, DISTRICT, TYPE, PEOPLE, FREE, MODE, EQUIPMENT, STEP_FREE, HIDE_EXAMPLES)
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

    @property
    def empty(self) -> bool:
        return self == Query()

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

    query = Query(
        text, district, space_type, people, flag(FREE), modes, equipment, flag(STEP_FREE), flag(HIDE_EXAMPLES)
    )
    return query, problems


@dataclass
class SearchResult:
    """The spaces found, and how many were left out only for lack of data."""

    spaces: list[SpaceEntry]
    unknown: dict[str, int] = field(default_factory=dict)  # filter param -> spaces left out for lack of that fact
    unknown_total: int = 0  # spaces left out only for lack of facts (each counted once)


def run(index: Index, query: Query) -> SearchResult:
    """Filter and sort the spaces of ``index`` by ``query``."""
    base = index.base
    type_iri = base + f"vocab/space-type/{query.type}" if query.type else ""
    mode_iris = {base + f"vocab/sharing-mode/{m}" for m in query.modes}
    equipment_iris = {base + f"vocab/equipment/{e}" for e in query.equipment}
    terms = words(query.text)
    found: list[tuple[tuple, SpaceEntry]] = []
    unknown = {DISTRICT: 0, PEOPLE: 0, FREE: 0, STEP_FREE: 0}
    unknown_total = 0
    for space in index.spaces.values():
        venue = space.venue
        if query.hide_examples and space.illustrative:
            continue
        if terms and not all(t in space.haystack for t in terms):
            continue
        if type_iri and space.type != type_iri:
            continue
        if mode_iris and not mode_iris.intersection(space.modes):
            continue
        if equipment_iris and not equipment_iris.issubset(space.equipment):
            continue
        # Filters on facts the data may lack: count those left out for that reason alone.
        misses = []
        if query.district is not None and (venue.district is None or venue.district.number != query.district):
            misses.append((DISTRICT, venue.district is None))
        if query.people is not None and (space.capacity is None or space.capacity < query.people):
            misses.append((PEOPLE, space.capacity is None))
        if query.free and space.free is not True:
            misses.append((FREE, space.free is None))
        if query.step_free and venue.step_free is not True:
            misses.append((STEP_FREE, venue.step_free is None))
        if misses:
            if all(lacking for _, lacking in misses):  # might fit: no known fact rules it out
                unknown_total += 1
                for param, _ in misses:
                    unknown[param] += 1
            continue
        in_name = all(t in fold(space.name) for t in terms) if terms else False
        institution = space.institution.name if space.institution else ""
        found.append(((not in_name, space.illustrative, fold(institution), fold(space.name), space.id), space))
    found.sort(key=lambda pair: pair[0])
    return SearchResult([space for _, space in found], {k: v for k, v in unknown.items() if v}, unknown_total)
