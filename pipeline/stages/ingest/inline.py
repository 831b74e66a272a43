"""Sizes of the inline images (`BI … ID … EI`) a page draws, read without decoding them.

An inline image lives inside a content stream, not in the page's resources, so `page.get_images()` does not list
it and MuPDF decodes it whenever the page is rendered: 900 kB of Flate data can declare 30,000 x 30,000 pixels
(900 MB). Its dictionary states its width and height, so the page's content streams (and those of the forms it
draws) are scanned for them, a megabyte at a time: decompressing to scan never holds more than that in memory.
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
_FLATE = ("/FlateDecode", "/Fl")


def _chunks(doc: pymupdf.Document, xref: int) -> Iterator[bytes]:
    """A stream's decoded bytes, a chunk at a time. Flate (nearly every content stream) is inflated here with a
    bound on each step; a stream with no filter is read as it is; any other filter is left to MuPDF."""
    kind, value = doc.xref_get_key(xref, "Filter")
    if kind == "null":
        yield doc.xref_stream_raw(xref)
        return
    if value not in _FLATE:
        yield doc.xref_stream(xref)
        return
    inflate = zlib.decompressobj()
    pending = doc.xref_stream_raw(xref)
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
            width, height = _WIDTH.search(m.group(1)), _HEIGHT.search(m.group(1))
            if width and height:
                yield int(width.group(1)), int(height.group(1))
        tail = data[-_OVERLAP:]


def inline_image_sizes(page: pymupdf.Page) -> Iterator[tuple[int, int]]:
    """(width, height) of every inline image in the page's content streams and in the forms it draws."""
    doc = page.parent
    xrefs = [*page.get_contents(), *(x[0] for x in page.get_xobjects())]
    for xref in dict.fromkeys(xrefs):
        yield from _sizes(doc, xref)
