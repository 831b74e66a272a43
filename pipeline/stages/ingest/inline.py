"""Sizes of the inline images (`BI … ID … EI`) a page draws, read without decoding them.

An inline image lives inside a content stream, not in the page's resources, so `page.get_images()` does not list
it and MuPDF decodes it whenever it runs that stream: 900 kB of Flate data can declare 30,000 x 30,000 pixels
(900 MB). Its dictionary states its width and height, so every stream the page draws is scanned for them: its
contents, the forms it draws, its tiling patterns and the glyph procedures of its Type3 fonts; a megabyte at a
time, so decompressing to scan never holds more than that in memory. Keys may be written with `#xx` escapes
(`/#57` is `/W`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

import pymupdf

CHUNK = 1 << 20  # bytes of decompressed content scanned at a time
_OVERLAP = 4096  # an image dictionary cut by a chunk's end is found whole in the next
_INLINE = re.compile(rb"(?<![A-Za-z0-9_])BI\s(.{0,2000}?)\sID\s", re.DOTALL)
_WIDTH = re.compile(rb"/(?:W|Width)\s+(\d{1,12})\b")
_HEIGHT = re.compile(rb"/(?:H|Height)\s+(\d{1,12})\b")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_REF = re.compile(r"(\d+)\s+\d+\s+R\b")
_FLATE = ("/FlateDecode", "/Fl")


def _chunks(doc: pymupdf.Document, xref: int) -> Iterator[bytes]:
    """A stream's decoded bytes, a chunk at a time. Flate (nearly every content stream) is inflated here with a
    bound on each step; a stream with no filter is read as it is; any other filter is left to MuPDF."""
    kind, value = doc.xref_get_key(xref, "Filter")
    if kind == "null":
        yield doc.xref_stream_raw(xref) or b""
        return
    if value not in _FLATE:
        yield doc.xref_stream(xref) or b""  # None: a stream MuPDF cannot decode
        return
    inflate = zlib.decompressobj()
    pending = doc.xref_stream_raw(xref) or b""
    while pending:
        try:
            chunk = inflate.decompress(pending, CHUNK)
        except zlib.error:
            return  # a damaged stream: MuPDF reads what it can of it, and so much is scanned
        pending = inflate.unconsumed_tail
        if not chunk:
            return
        yield chunk


def _sizes(doc: pymupdf.Document, xref: int) -> Iterator[tuple[int, int]]:
    tail = b""
    for chunk in _chunks(doc, xref):
        data = tail + chunk
        for m in _INLINE.finditer(data):
            entries = _ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), m.group(1))
            width, height = _WIDTH.search(entries), _HEIGHT.search(entries)
            if width and height:
                yield int(width.group(1)), int(height.group(1))
        tail = data[-_OVERLAP:]


def _refs(doc: pymupdf.Document, xref: int, key: str) -> list[int]:
    """The objects a key of an object refers to (`/Pattern << /P1 5 0 R >>`, `/CharProcs 6 0 R`…)."""
    kind, value = doc.xref_get_key(xref, key)
    refs = [int(n) for n in _REF.findall(value)] if kind in ("xref", "dict", "array") else []
    if kind == "xref" and refs and not doc.xref_is_stream(refs[0]):  # an indirect dictionary of them
        refs = [int(n) for n in _REF.findall(doc.xref_object(refs[0]))]
    return refs


def drawn_streams(page: pymupdf.Page) -> list[int]:
    """The streams MuPDF runs to draw a page: contents, forms, tiling patterns, Type3 glyph procedures."""
    doc = page.parent
    forms = [x[0] for x in page.get_xobjects()]
    holders = [page.xref, *forms]  # objects whose resources may name patterns
    patterns = [ref for xref in holders for ref in _refs(doc, xref, "Resources/Pattern")]
    glyphs = [
        ref for f in page.get_fonts(full=True) if f[2] == "Type3" and f[0] for ref in _refs(doc, f[0], "CharProcs")
    ]
    streams = dict.fromkeys([*page.get_contents(), *forms, *patterns, *glyphs])
    return [xref for xref in streams if doc.xref_is_stream(xref)]


def inline_image_sizes(page: pymupdf.Page) -> Iterator[tuple[int, int]]:
    """(width, height) of every inline image in the streams the page draws."""
    for xref in drawn_streams(page):
        yield from _sizes(page.parent, xref)
