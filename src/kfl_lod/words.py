"""Polish word forms for the search: lemmas from Morfeusz 2, filler words left out.

A search for "projektorem" must find "projektor", "sali" must find "Sala" and "warsztaty"
must find "Sala warsztatowa". Morfeusz 2 (the morphological analyser of the Polish
Academy of Sciences, ``morfeusz2`` on PyPI) gives every lemma a word form may have;
``bench/bench_lemmatizers.py`` compares it with simplemma and pystempel on the site's own
vocabulary (docs/web.md has the table). Lemmas are folded (lower case, no diacritics), so
"spotkan" typed on a phone without Polish letters still meets "spotkań".

Lemmatizers do not join derived words (the noun "warsztat" and the adjective
"warsztatowy" are different lemmas), so two lemmas are also *related* when they share a
long common beginning (see :func:`related`).
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import morfeusz2

_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})


@lru_cache(maxsize=1 << 16)  # the same words and names are folded again and again when an index is built
def fold(value: str) -> str:
    """Lower-case ``value`` and drop diacritics, so 'Łódź' matches 'lodz'.

    >>> fold("Łódź ŻÓŁĆ Sala")
    'lodz zolc sala'
    """
    decomposed = unicodedata.normalize("NFKD", value.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Parts of speech that carry no meaning for a search: prepositions, conjunctions,
# complementizers, particles, interjections, punctuation (Morfeusz's NKJP tags).
FILLER_TAGS = frozenset({"prep", "conj", "comp", "qub", "part", "interj", "interp"})
# Lemmas that describe every room or the asking itself ("szukam wolnej sali dla ludzi"):
# they would rank nothing and, required, would hide rooms named "Pracownia" or "Scena".
FILLER_LEMMAS = frozenset(
    fold(lemma)
    for lemma in {
        "sala",
        "salka",
        "pomieszczenie",
        "przestrzeń",
        "pokój",
        "lokal",
        "wolny",
        "dostępny",
        "szukać",
        "poszukiwać",
        "potrzebować",
        "chcieć",
        "móc",
        "być",
        "mieć",
        "jakiś",
        "który",
        "gdzie",
        "kraków",
        "krakowski",
        "ja",
        "my",
        "nasz",
        "mój",
        "ten",
        "to",
        "dla",
        "na",
        "w",
        "z",
        "do",
        "o",
        "i",
        "a",
        "osoba",
        "człowiek",
    }
)
# Lemmas that, after a number, say how many people ("na 30 osób", "20 miejsc").
PEOPLE_LEMMAS = frozenset({"osoba", "czlowiek", "uczestnik", "miejsce", "os"})
# Two lemmas are related when their common beginning is this long or longer ...
MIN_STEM = 5
# ... and at most this many letters shorter than the shorter lemma (warsztat/warsztatowy).
MAX_TAIL = 2
# ... and the longer one ends as a Polish adjective or plural noun lemma does.
_DERIVED_ENDINGS = ("y", "i")

_lock = threading.RLock()
_analyser: morfeusz2.Morfeusz | None = None


def split(value: str) -> list[str]:
    """The words of a text, as written (letters and digits).

    >>> split("Sala 3, Wi-Fi; Łódź!")
    ['Sala', '3', 'Wi', 'Fi', 'Łódź']
    """
    return re.findall(r"\w+", value)


def _morfeusz() -> morfeusz2.Morfeusz:
    global _analyser
    if _analyser is None:
        with _lock:
            if _analyser is None:
                # Analysis only; the dictionary ships inside the wheel (about 0.1 s to load).
                _analyser = morfeusz2.Morfeusz(generate=False)
    return _analyser


@lru_cache(maxsize=65536)
def analyse(word: str) -> tuple[frozenset[str], bool]:
    """The folded lemmas of one word, and whether it is a filler word.

    >>> sorted(analyse("projektorem")[0]), sorted(analyse("sali")[0]), analyse("dla")[1]
    (['projektor'], ['sala'], True)
    >>> sorted(analyse("warsztatów")[0])
    ['warsztat', 'warsztaty']
    """
    if word != word.lower():
        # Phones capitalise the first word ("Sale ..."): read it as the lower-case word too,
        # and judge filler words by that reading ("Sale" is also a surname).
        lower, filler = analyse(word.lower())
        return lower | _lemmas(word)[0], filler
    return _lemmas(word)


def _lemmas(word: str) -> tuple[frozenset[str], bool]:
    lemmas: set[str] = set()
    tags: set[str] = set()
    with _lock:  # a Morfeusz object is not safe to share between threads
        analyses = _morfeusz().analyse(word)
    for _start, _end, (_orth, lemma, tag, _names, _labels) in analyses:
        pos = tag.split(":", 1)[0]
        tags.add(pos)
        if pos != "interp":
            lemmas.add(fold(lemma.split(":", 1)[0]))
    lemmas.discard("")
    if not lemmas:
        lemmas.add(fold(word))
    # Filler: only ever a preposition, conjunction, particle ...; or every lemma it may have is a filler lemma.
    filler = (bool(tags) and tags <= FILLER_TAGS) or lemmas <= FILLER_LEMMAS
    return frozenset(lemmas), filler


def lemmas_of(text: str) -> set[str]:
    """Every folded lemma of every word of ``text`` (filler words too: they cost nothing here)."""
    out: set[str] = set()
    for word in split(text):
        out |= analyse(word)[0]
    return out


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def related(a: str, b: str) -> bool:
    """Whether two folded lemmas name the same thing for a search (equal, or one derived from the other).

    >>> related("warsztat", "warsztatowy"), related("teatr", "teatralny"), related("dziecko", "dzieciecy")
    (True, True, True)
    >>> related("sala", "salon"), related("muzeum", "muzyczny"), related("projekt", "projektor")
    (False, False, False)

    The longer lemma must read as an adjective or a plural noun (ending in -y or -i:
    warsztatowy, warsztaty): a noun made from a noun names another thing ("projektor" is
    not a "projekt"), and a room described as made "w projekcie" must not answer "projektor".
    """
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < MIN_STEM:
        return False
    longer = a if len(a) > len(b) else b
    if not (longer.endswith(_DERIVED_ENDINGS) or (len(a) == len(b) and a.endswith(_DERIVED_ENDINGS))):
        return False
    return common_prefix(a, b) >= max(MIN_STEM, shorter - MAX_TAIL)


class Lexicon:
    """The lemmas the published texts contain, to expand a query's words into them once."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.lemmas: set[str] = set()
        self.forms: dict[str, set[str]] = {}  # folded word form -> folded lemmas (for words typed without diacritics)
        self._cache: dict[frozenset[str], frozenset[str]] = {}
        self._sorted: list[str] | None = None
        self._texts: dict[str, frozenset[str]] = {}  # text -> its lemmas, for texts met again
        for text in texts:
            self.add(text)

    def add(self, text: str) -> set[str]:
        """Learn the words of ``text``; return its lemmas."""
        known = self._texts.get(text)
        if known is not None:  # the same text again (a venue's name for each of its rooms): learnt already
            return set(known)
        out: set[str] = set()
        for word in split(text):
            lemmas = analyse(word)[0]
            self.forms.setdefault(fold(word), set()).update(lemmas)
            out |= lemmas
        self.lemmas |= out
        self._cache.clear()
        self._sorted = None
        self._texts[text] = frozenset(out)
        return out

    def forget_texts(self) -> None:
        """Drop the texts :meth:`add` remembers (once every text is learnt: they only speed up learning)."""
        self._texts = {}

    def expand(self, word: str) -> frozenset[str]:
        """The published lemmas a query word stands for (empty if none)."""
        own = set(analyse(word)[0])
        own |= self.forms.get(fold(word), set())
        key = frozenset(own)
        found = self._cache.get(key)
        if found is None:
            found = frozenset(v for q in own for v in self._near(q) if related(q, v))
            self._cache[key] = found
        return found

    def _near(self, lemma: str) -> list[str]:
        """The published lemmas that may be related to ``lemma``: itself, and those sharing its first MIN_STEM letters.

        Related lemmas other than equal ones share a prefix of at least MIN_STEM letters, so a
        look-up in the sorted lemmas finds them all without testing every lemma (100,000 at 100k spaces).
        """
        if len(lemma) < MIN_STEM:
            return [lemma] if lemma in self.lemmas else []
        if self._sorted is None or len(self._sorted) != len(self.lemmas):
            self._sorted = sorted(self.lemmas)
        stem = lemma[:MIN_STEM]
        start = end = bisect.bisect_left(self._sorted, stem)
        while end < len(self._sorted) and self._sorted[end].startswith(stem):
            end += 1
        return self._sorted[start:end]


def terms(text: str) -> tuple[list[str], int | None]:
    """The words of a search text that mean something, and a number of people if it names one.

    >>> terms("Szukam wolnej sali na 30 osób z projektorem")
    (['projektorem'], 30)
    >>> terms("sala warsztatowa dla dzieci")
    (['warsztatowa', 'dzieci'], None)
    >>> terms("Filia nr 8")
    (['Filia', 'nr', '8'], None)
    """
    words = split(text)
    kept: list[str] = []
    people = None
    skip = -1
    for i, word in enumerate(words):
        if i == skip:
            continue
        if word.isdigit() and i + 1 < len(words) and analyse(words[i + 1])[0] & PEOPLE_LEMMAS:
            if len(word) <= 6 and people is None:
                people = int(word)
                skip = i + 1
                continue
        if analyse(word)[1]:
            continue
        kept.append(word)
    return kept, people
