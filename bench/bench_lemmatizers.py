"""Compare Polish lemmatizers/stemmers on the room finder's own vocabulary; print a table.

    .venv/bin/python bench/bench_lemmatizers.py        # (pip install simplemma pystempel to compare all three)

Each pair is a word as an NGO might type it and a word as the published data write it; a
tool "joins" the pair when the two share a lemma (stem). Pairs the search must join, and
pairs it must keep apart, come from the site's names, types, equipment and districts.
Morfeusz 2 is what the search uses (kfl_lod.web.words); the others are measured for the record.
"""

from __future__ import annotations

import contextlib
import io
import resource
import time

# (typed, published): forms that must meet.
JOIN = [
    ("projektorem", "projektor"),
    ("projektora", "projektor"),
    ("projektory", "projektor"),
    ("sali", "sala"),
    ("sal", "sala"),
    ("sale", "sala"),
    ("salę", "sala"),
    ("warsztaty", "warsztatowa"),
    ("warsztatów", "warsztatowa"),
    ("warsztatowej", "warsztatowa"),
    ("spotkania", "spotkań"),
    ("spotkanie", "spotkań"),
    ("konferencji", "konferencyjna"),
    ("teatru", "teatralna"),
    ("dzieci", "dziecięca"),
    ("dzieciom", "dzieci"),
    ("koncertów", "koncertowa"),
    ("nagłośnieniem", "nagłośnienie"),
    ("Podgórzu", "Podgórze"),
    ("Podgórza", "Podgórze"),
    ("Nowej Hucie", "Nowa Huta"),
    ("widowiskowej", "widowiskowa"),
    ("biblioteki", "Biblioteka"),
    ("muzeum", "Muzeum"),
    ("kinowej", "kinowa"),
    ("prób", "próby"),
    ("wystawy", "wystawiennicza"),
    ("tańca", "taneczne"),
    ("muzyki", "muzyczna"),
]
# Pairs that must stay apart.
APART = [
    ("sala", "salon"),
    ("muzeum", "muzyczna"),
    ("kino", "kinga"),
    ("scena", "scenariusz"),
    ("park", "parkiet"),
    ("projekt", "projektor"),
]


def _related(a: set[str], b: set[str]) -> bool:
    from kfl_lod.web.words import fold, related

    return any(related(fold(x), fold(y)) for x in a for y in b)


def _morfeusz():
    from kfl_lod.web import words

    def lemmas(word: str) -> set[str]:
        out: set[str] = set()
        for part in word.split():
            out |= set(words.analyse(part)[0])
        return out

    words.analyse("sala")  # load the dictionary
    return lemmas


def _simplemma():
    import simplemma

    def lemmas(word: str) -> set[str]:
        return {simplemma.lemmatize(part, lang="pl").lower() for part in word.split()}

    lemmas("sala")
    return lemmas


def _pystempel():
    from pystempel import Stemmer

    with contextlib.redirect_stderr(io.StringIO()):  # it draws a progress bar while loading
        stemmer = Stemmer.polimorf()

    def lemmas(word: str) -> set[str]:
        return {(stemmer(part.lower()) or part).lower() for part in word.split()}

    return lemmas


def measure(name: str, factory) -> tuple | None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        lemmas = factory()
    except ImportError:
        return (name, "not installed", "", "", "", "", "")
    load = time.perf_counter() - start
    memory = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    words = [w for pair in JOIN + APART for w in pair] * 20
    start = time.perf_counter()
    for word in words:
        lemmas(word)
    per_word = (time.perf_counter() - start) / len(words) * 1e6
    exact = sum(bool(lemmas(a) & lemmas(b)) for a, b in JOIN)
    derived = sum(_related(lemmas(a), lemmas(b)) for a, b in JOIN)
    apart = sum(not _related(lemmas(a), lemmas(b)) for a, b in APART)
    return (
        name,
        f"{load:.2f}",
        f"{memory:.0f}",
        f"{per_word:.0f}",
        f"{exact}/{len(JOIN)}",
        f"{derived}/{len(JOIN)}",
        f"{apart}/{len(APART)}",
    )


def main() -> None:
    header = ("tool", "load s", "memory MB", "µs/word", "same lemma", "+ related()", "kept apart")
    rows = [measure("morfeusz2", _morfeusz), measure("simplemma", _simplemma), measure("pystempel", _pystempel)]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
