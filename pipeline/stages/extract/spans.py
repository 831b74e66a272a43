"""Where facts are looked for: the body's paragraphs, cut into sentences, each with the section it belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.records import Document, Paragraph
from pipeline.stages.structure import Layout, Section

# A sentence ends at a full stop followed by a space and a capital or a list mark, or at the paragraph's end.
# Numbers (`12.800`), dates (`15/3/2024`) and abbreviations (`TM.`) do not end one.
_SENTENCE_END = re.compile(r"(?<=[^\d\s.][.!?])\s+(?=[A-ZĐÀ-Ỹ“\"(-])|(?<=[.!?])\s+(?=[-+•]\s)")
_MARKER = re.compile(r"^\s*(?:[IVXLC]{1,5}\s*[.:)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]|[a-zđ]\)|[-+•*–—])\s*")


@dataclass(frozen=True)
class Sentence:
    paragraph: int  # index in Document.paragraphs
    start: int  # offsets in the paragraph's corrected text
    end: int
    text: str
    section: Section | None
    headings: tuple[str, ...]  # headings of the enclosing sections, outermost first

    @property
    def topic(self) -> str:
        return self.section.topic if self.section else "other"


def sentences_of(p: Paragraph, index: int, section: Section | None, headings: tuple[str, ...]) -> Iterator[Sentence]:
    text = p.text
    start = 0
    marker = _MARKER.match(text)
    if marker:
        start = marker.end()
    for part in _SENTENCE_END.split(text[start:]) if text[start:] else []:
        at = text.find(part, start)
        if part.strip():
            yield Sentence(index, at, at + len(part), part, section, headings)
        start = at + len(part)


def body_sentences(doc: Document, lay: Layout) -> Iterator[Sentence]:
    """Every sentence of the numbered body (headings included), in reading order, with its section."""

    def walk(section: Section, headings: tuple[str, ...]) -> Iterator[tuple[int, Section, tuple[str, ...]]]:
        here = (*headings, section.heading)
        for i in section.paragraphs:
            yield i, section, here
        for child in section.children:
            yield from walk(child, here)

    for top in lay.sections:
        for i, section, headings in walk(top, ()):
            yield from sentences_of(doc.paragraphs[i], i, section, headings)


def preamble_sentences(doc: Document, lay: Layout) -> Iterator[Sentence]:
    for i in lay.preamble:
        yield from sentences_of(doc.paragraphs[i], i, None, ())
