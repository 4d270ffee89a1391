"""A small reader of the generated HTML for tests: start tags with attributes, raw text of
<style>/<script>, and the marks (with their text) inside each element id.

Built on the standard library parser, so tests check the document a browser would parse rather
than matching strings in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Tag:
    name: str
    attrs: dict[str, str | None]
    text: str = ""


@dataclass
class Probe(HTMLParser):
    tags: list[Tag] = field(default_factory=list)
    raw: dict[str, list[str]] = field(default_factory=lambda: {"style": [], "script": []})
    _open: list[Tag] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Tag(tag, dict(attrs))
        self.tags.append(element)
        if tag not in {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}:  # HTML void elements
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(Tag(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position].name == tag:
                del self._open[position:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
        if self._open and self._open[-1].name in self.raw:
            self.raw[self._open[-1].name].append(data)

    def find(self, name: str, **attrs: str) -> list[Tag]:
        return [
            t
            for t in self.tags
            if t.name == name and all(t.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def probe(html: str) -> Probe:
    parsed = Probe()
    parsed.feed(html)
    parsed.close()
    return parsed
