"""What the pages show of a release (kfl_lod.pages_index: prepared by the build, read here)."""

from ..pages_index import (  # noqa: F401
    ConceptEntry,
    ContactPoint,
    DistrictEntry,
    Feature,
    Index,
    InstitutionEntry,
    Node,
    Nodes,
    PracticeEntry,
    SchemeEntry,
    SpaceEntry,
    VenueEntry,
    build_index,
    open_index,
    words,
)
