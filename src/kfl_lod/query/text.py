"""Look at a SPARQL request's text before it runs: its form, updates, SERVICE.

The engine itself parses the query; this module only finds the keywords that matter
for safety, skipping strings, IRIs and comments the way the SPARQL grammar does, so
``"SERVICE"`` in a string or ``<http://x/service>`` is not mistaken for a keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Brackets nested deeper than this are refused: pyoxigraph's parser recurses per level and
# overflows its stack at about 2000 levels; no real query comes near this.
MAX_NESTING = 200
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<pname>[\w.\-]*:(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_SERVICE = re.compile(r"service", re.IGNORECASE | re.ASCII)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryText:
    """What the keywords of a request's text say about it."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE or None if not found
    update: str | None  # the update keyword that starts the text, if it is an update
    uses_service: bool
    unterminated: bool  # a stray quote or backslash: a string never closed, or an odd escape
    depth: int = 0  # how deeply brackets ({ ( [) and unary operators (! - +) nest


def _unescape(text: str) -> str:
    """Apply SPARQL's codepoint escapes (\\uXXXX) so they cannot hide a keyword."""

    def char(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return "\ufffd"

    return _ESCAPE.sub(char, text)


def keywords(text: str) -> tuple[list[str], bool, int]:
    """The bare words of a SPARQL text, upper-cased; whether a stray quote or backslash was
    left; and how deeply brackets ({, (, [) and runs of unary operators (! - +) nest.

    In a text the engine accepts, quotes and backslashes only occur inside strings, IRIs
    and escaped prefixed names; a stray one means this reading and the engine's differ.
    """
    words: list[str] = []
    stray = False
    depth = deepest = 0
    unary = 0  # a run of unary operators (! - +): the parser recurses once for each, like a bracket
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "other" and m.group() in "!-+":
            unary += 1
            deepest = max(deepest, depth + unary)
            continue
        unary = 0
        if kind == "word":
            words.append(m.group().upper())
        elif kind == "other":
            char = m.group()
            if char in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif char in "})]":
                depth -= 1
            elif char in "\"'\\":
                stray = True
    return words, stray, deepest


def inspect(text: str) -> QueryText:
    """Find the form of a query, whether it is an update, and whether it calls SERVICE.

    >>> inspect("PREFIX s: <https://schema.org/> SELECT * { ?x s:name 'SERVICE' }")
    QueryText(form='SELECT', update=None, uses_service=False, unterminated=False, depth=1)
    >>> inspect("select * { service <http://example.org/sparql> { ?s ?p ?o } }").uses_service
    True
    >>> inspect("# a comment\\nINSERT DATA { <a:b> <a:c> 1 }").update
    'INSERT'
    """
    words, stray, depth = keywords(text)
    # Also read the text with codepoint escapes applied, so that they cannot hide a
    # keyword whichever way the engine treats them (this only ever refuses more).
    unescaped = _unescape(text) if "\\" in text else text
    escaped_words, escaped_stray, _ = keywords(unescaped) if unescaped is not text else (words, stray, depth)
    form = update = None
    for word in words:
        if word in ("PREFIX", "BASE"):
            continue
        if word in QUERY_FORMS:
            form = word
        elif word in UPDATE_KEYWORDS:
            update = word
        break
    uses_service = "SERVICE" in words or "SERVICE" in escaped_words
    if not uses_service and (stray or escaped_stray):
        # Fail closed: where this reading may be wrong, the bare letters decide.
        uses_service = _SERVICE.search(text) is not None or _SERVICE.search(unescaped) is not None
    return QueryText(form, update, uses_service, stray, depth)


# The prologue as ``_TOKEN`` reads it, for texts without backslashes: whitespace, comments,
# ``PREFIX pname: <iri>`` and ``BASE <iri>`` (keywords in ASCII letters only, so that each is
# exactly the word PREFIX or BASE to ``keywords``). It ends where a token ends.
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PLAIN_PROLOGUE = re.compile(
    r"(?:\s+|\#[^\r\n]*"
    r"|[Pp][Rr][Ee][Ff][Ii][Xx]\s+[\w.\-]*:[\w.\-:%]*\s*" + _IRI + r"|[Bb][Aa][Ss][Ee]\s*" + _IRI + r")*"
)


def plain_form(text: str) -> str | None:
    """The form of a text that surely is a plain query; None where ``inspect`` must decide.

    A shortcut for the common request, equal to ``inspect`` where it answers (a test compares
    them): a text without backslashes (no escapes to apply) whose prologue (prefixes, base,
    comments; often most of the text) is skipped by one regular expression, the rest read by
    ``keywords`` as ``inspect`` reads it: no stray quote, nesting within MAX_NESTING, no
    SERVICE, the first word a query form. The prologue holds no word but PREFIX and BASE
    and no bracket, so the answer is the whole text's. Measured: ~10 µs against ~40 µs for
    ``inspect`` on a query declaring 17 prefixes.

    >>> plain_form("PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * { ?x sd:name 'x' }")
    'SELECT'
    >>> plain_form("select * { service <http://example.org/sparql> { ?s ?p ?o } }") is None
    True
    """
    if "\\" in text:
        return None
    rest = text[_PLAIN_PROLOGUE.match(text).end() :]  # type: ignore[union-attr]  # a starred group always matches
    words, stray, depth = keywords(rest)
    if stray or depth > MAX_NESTING or "SERVICE" in words:
        return None
    for word in words:
        if word not in ("PREFIX", "BASE"):
            return word if word in QUERY_FORMS else None
    return None
