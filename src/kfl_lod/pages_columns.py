"""The facts the search filters and ranks by, one array per fact over every space (NumPy columns).

A search over 100,000 spaces in Python objects took seconds (every space, every filter, every
facet); over these arrays it takes milliseconds, and it touches a space's entry only for the
rooms a page shows. The columns are made from an index's entries (:func:`from_spaces`), by the
build, which writes them beside the pages' index (:func:`save`), and read back by the web
(:func:`load`, no pickles). Positions are those of ``Index.spaces`` (its order).

The text search reads postings: for each lemma, the spaces whose texts have it and the best
weight of a text that has it (name 4, type and equipment 3, places 2, descriptions 1) — what
``max(weight for weight, lemmas in space.fields if lemmas & wanted)`` gives, per lemma.
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .words import fold

if TYPE_CHECKING:
    from .pages_index import SpaceEntry

UNKNOWN = -1  # no district stated / no such concept
NO_CAPACITY = -(2**62)  # no capacity stated (any stated number, even a negative one, stays apart from it)
# Tri-state facts (isAccessibleForFree, step-free access): not stated, no, yes.
NOT_STATED, NO, YES = -1, 0, 1


def derived_district(venue) -> bool:
    """Whether the venue's district was derived from its coordinates (OpenStreetMap), not stated."""
    return bool(venue.district is not None and venue.district_method and not venue.district_method.endswith("/stated"))


@dataclass
class Columns:
    """Every space's searchable facts as arrays, position = the space's place in ``Index.spaces``."""

    illustrative: np.ndarray  # bool
    type: np.ndarray  # int32: position in type_iris, or UNKNOWN
    modes: np.ndarray  # bool, spaces x mode_iris
    equipment: np.ndarray  # bool, spaces x equipment_iris
    district: np.ndarray  # int32: the venue's district number, or UNKNOWN
    derived: np.ndarray  # bool: the district was derived from coordinates
    located: np.ndarray  # bool: the venue has coordinates (the space can be on a map)
    capacity: np.ndarray  # int64: NO_CAPACITY when not stated
    free: np.ndarray  # int8: NOT_STATED, NO, YES
    step_free: np.ndarray  # int8: the venue's, NOT_STATED, NO, YES
    rank: np.ndarray  # int32: place in the order (institution, name, id) the search breaks ties by
    name_rank: np.ndarray  # int32: place in the order (name, id) the largest rooms are listed by
    post_start: np.ndarray  # int64, lemmas + 1: where each lemma's postings begin
    post_space: np.ndarray  # int32: spaces, by lemma
    post_weight: np.ndarray  # int8: the best weight of the lemma in that space
    type_iris: list[str]
    mode_iris: list[str]
    equipment_iris: list[str]
    # Sorted; postings are by position in this list. Not in the saved file (the index's lexicon
    # holds the same list): set lemmas_from to read it when a text search first needs it.
    lemmas: list[str] | None = None
    row_offsets: np.ndarray | None = None  # int64: where each entry's row begins in the index's rows file (and its end)

    def __post_init__(self) -> None:
        self._lemma_ids: dict[str, int] | None = None
        self.lemmas_from: Callable[[], list[str]] | None = None

    def __len__(self) -> int:
        return len(self.illustrative)

    def lemma_id(self, lemma: str) -> int:
        """The position of ``lemma`` in :attr:`lemmas` (-1 if no space has it)."""
        if self._lemma_ids is None:
            lemmas = self.lemmas if self.lemmas is not None else self.lemmas_from() if self.lemmas_from else []
            self._lemma_ids = {lemma: n for n, lemma in enumerate(lemmas)}
        return self._lemma_ids.get(lemma, -1)

    def best_weight(self, lemmas: Iterable[str]) -> np.ndarray:
        """Per space, the best weight of a text having any of ``lemmas`` (0: none has one)."""
        best = np.zeros(len(self), dtype=np.int8)
        for lemma in lemmas:
            n = self.lemma_id(lemma)
            if n < 0:
                continue
            start, end = self.post_start[n], self.post_start[n + 1]
            spaces, weights = self.post_space[start:end], self.post_weight[start:end]
            # Postings hold a space once per lemma, so a plain maximum with what is there is exact.
            best[spaces] = np.maximum(best[spaces], weights)
        return best


def _tri(value: bool | None) -> int:
    return NOT_STATED if value is None else (YES if value else NO)


def from_spaces(spaces: Sequence[SpaceEntry], lemmas: list[str] | None = None) -> Columns:
    """The columns of ``spaces`` (in that order): what the build writes and a store-read index computes.

    ``lemmas``: the sorted list the postings number lemmas by (default: the spaces' own lemmas).
    """
    n = len(spaces)
    type_iris = sorted({s.type for s in spaces if s.type})
    mode_iris = sorted({iri for s in spaces for iri in s.modes})
    equipment_iris = sorted({iri for s in spaces for iri in s.equipment})
    type_pos = {iri: k for k, iri in enumerate(type_iris)}
    mode_pos = {iri: k for k, iri in enumerate(mode_iris)}
    equipment_pos = {iri: k for k, iri in enumerate(equipment_iris)}
    modes = np.zeros((n, len(mode_iris)), dtype=bool)
    equipment = np.zeros((n, len(equipment_iris)), dtype=bool)
    for row, space in enumerate(spaces):
        for iri in space.modes:
            modes[row, mode_pos[iri]] = True
        for iri in space.equipment:
            equipment[row, equipment_pos[iri]] = True

    def ranks(keys: list[tuple]) -> np.ndarray:
        order = sorted(range(n), key=keys.__getitem__)
        rank = np.empty(n, dtype=np.int32)
        rank[order] = np.arange(n, dtype=np.int32)
        return rank

    # Ties keep the index's order (the position last), as the stable sort of the search did.
    rank = ranks(
        [(fold(s.institution.name if s.institution else ""), fold(s.name), s.id, k) for k, s in enumerate(spaces)]
    )
    name_rank = ranks([(fold(s.name), s.id, k) for k, s in enumerate(spaces)])

    lemma_set = (
        lemmas if lemmas is not None else sorted({lemma for s in spaces for _, have in s.fields for lemma in have})
    )
    lemma_pos = {lemma: k for k, lemma in enumerate(lemma_set)}
    lemma_ids: array[int] = array("i")
    rows: array[int] = array("i")
    weights: array[int] = array("b")
    for row, space in enumerate(spaces):
        for weight, have in space.fields:
            lemma_ids.extend([lemma_pos[lemma] for lemma in have])
            rows.extend([row] * len(have))
            weights.extend([weight] * len(have))
    lemma_arr = np.frombuffer(lemma_ids, dtype=np.int32)
    row_arr = np.frombuffer(rows, dtype=np.int32)
    weight_arr = np.frombuffer(weights, dtype=np.int8)
    # One posting per (lemma, space), with the best weight: sorted by lemma, space, weight downwards.
    order = np.lexsort((-weight_arr.astype(np.int16), row_arr, lemma_arr))
    lemma_arr, row_arr, weight_arr = lemma_arr[order], row_arr[order], weight_arr[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (lemma_arr[1:] != lemma_arr[:-1]) | (row_arr[1:] != row_arr[:-1])
    post_space, post_weight = row_arr[first], weight_arr[first]
    post_start = np.zeros(len(lemma_set) + 1, dtype=np.int64)
    np.cumsum(np.bincount(lemma_arr[first], minlength=len(lemma_set)), out=post_start[1:])

    return Columns(
        illustrative=np.fromiter((s.illustrative for s in spaces), dtype=bool, count=n),
        type=np.fromiter((type_pos.get(s.type, UNKNOWN) for s in spaces), dtype=np.int32, count=n),
        modes=modes,
        equipment=equipment,
        district=np.fromiter(
            (s.venue.district.number if s.venue.district is not None else UNKNOWN for s in spaces),
            dtype=np.int32,
            count=n,
        ),
        derived=np.fromiter((derived_district(s.venue) for s in spaces), dtype=bool, count=n),
        located=np.fromiter((s.venue.on_map for s in spaces), dtype=bool, count=n),
        capacity=np.fromiter(
            (NO_CAPACITY if s.capacity is None else s.capacity for s in spaces), dtype=np.int64, count=n
        ),
        free=np.fromiter((_tri(s.free) for s in spaces), dtype=np.int8, count=n),
        step_free=np.fromiter((_tri(s.venue.step_free) for s in spaces), dtype=np.int8, count=n),
        rank=rank,
        name_rank=name_rank,
        post_start=post_start,
        post_space=post_space,
        post_weight=post_weight,
        type_iris=type_iris,
        mode_iris=mode_iris,
        equipment_iris=equipment_iris,
        lemmas=lemma_set,
    )


_LISTS = ("type_iris", "mode_iris", "equipment_iris")
_NOT_SAVED = ("lemmas",)


def save(columns: Columns) -> bytes:
    """``columns`` as the bytes of one uncompressed ``.npz`` (string lists as NumPy unicode arrays: no pickles)."""
    arrays = {}
    for f in fields(columns):
        value = getattr(columns, f.name)
        if value is not None and f.name not in _NOT_SAVED:
            arrays[f.name] = np.array(value, dtype=str) if f.name in _LISTS else value
    out = io.BytesIO()
    np.savez(out, **arrays)  # type: ignore[arg-type]
    return out.getvalue()


def load(path: Path) -> Columns:
    """Read columns written by :func:`save` (refuses pickled objects)."""
    with np.load(path, allow_pickle=False) as found:
        values = {}
        for f in fields(Columns):
            if f.name not in found.files:
                continue
            array = found[f.name]
            values[f.name] = array.tolist() if f.name in _LISTS else array
    return Columns(**values)
