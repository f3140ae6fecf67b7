"""One small HTML tree for the tests: check pages by their structure, not by string search."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class El:
    """An element: tag, attributes, children (elements and text); found by tag, attributes or class."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: El | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[El | str] = []

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, El):
                yield from child.iter()

    def all(self, tag: str | None = None, **attrs: str) -> list[El]:
        found = []
        for el in self.iter():
            if el is self or (tag and el.tag != tag):
                continue
            if all(el.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
                found.append(el)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> El:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def with_class(self, name: str) -> list[El]:
        return [el for el in self.iter() if name in el.attrs.get("class", "").split()]

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    @property
    def raw(self) -> str:
        return "".join(c for c in self.children if isinstance(c, str))


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        el = El(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(El(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> El:
    """The document tree of an HTML text."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def dom(response) -> El:
    """The document tree of a response: Flask's test client's, requests', or a string."""
    if isinstance(response, str):
        return parse(response)
    get_data = getattr(response, "get_data", None)
    return parse(get_data(as_text=True) if get_data else response.text)
