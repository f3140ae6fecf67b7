"""The search's Polish word forms (kfl_lod.words, shared with the build that prepares the index)."""

from ..words import (  # noqa: F401
    FILLER_LEMMAS,
    FILLER_TAGS,
    MAX_TAIL,
    MIN_STEM,
    PEOPLE_LEMMAS,
    Lexicon,
    analyse,
    common_prefix,
    fold,
    lemmas_of,
    related,
    split,
    terms,
)
