"""Image sizes a PDF declares, read before anything decodes an image: the guard against decompression bombs.

A few hundred kilobytes of Flate data can unpack to gigabytes of pixels, and MuPDF decodes an image whenever it runs
the page it is on: rendering, and text extraction too. An image XObject declares its size in its dictionary; an
inline image (`BI /W … /H … ID data EI`) in the content stream it is drawn from, where `page.get_images()` does not
see it. Both are read here without decoding any image.

Streams that are drawn (pages' contents, form XObjects, which include annotation appearances and soft masks, tiling
patterns, Type3 glyph procedures) are scanned for inline images. Other streams (font programs, embedded files,
metadata) are never decompressed here: they cannot hold an inline image, and an embedded file may itself be a bomb.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator

import pymupdf

from pipeline.errors import TooLarge

MAX_XREFS_SCANNED = 200_000
INLINE_DICT_BYTES = 4096  # an inline image's dictionary is a few dozen bytes; past this, it is not drawn
_REF = re.compile(r"(\d+)\s+\d+\s+R\b")
_WS = rb"\s\x00"
_REGULAR = rb"[^" + _WS + rb"/\[\]()<>{}%]"
# `BI` after white space, a closing delimiter or nothing, and before white space or a name. The look-behind comes
# after the literal, so the search runs as a plain byte search (40x faster on a content stream) instead of trying the
# look-behind at every byte.
_BI = re.compile(rb"BI(?<![^" + _WS + rb"\]\)>}]BI)(?=[" + _WS + rb"/])")
_TOKEN = re.compile(
    rb"["
    + _WS
    + rb"]*(?:(%[^\r\n]*)|(/"
    + _REGULAR
    + rb"*)|(<<|>>|\[|\])|(<[0-9A-Fa-f"
    + _WS
    + rb"]*>)|(\()|("
    + _REGULAR
    + rb"+))"
)
_PAREN = re.compile(rb"[()\\]")
_WIDTH, _HEIGHT = {b"W", b"Width"}, {b"H", b"Height"}


def _unreadable() -> TooLarge:
    return TooLarge(f"holds an inline image whose dictionary is over {INLINE_DICT_BYTES:,} bytes")


def _unescape(name: bytes) -> bytes:
    """A PDF name without its slash and with `#xx` escapes decoded (`/#57` is `/W`)."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name[1:])


def _number(text: bytes | str) -> int:
    try:
        return int(float(text))
    except ValueError:
        return 0


def _string_end(data: bytes, at: int, stop: int) -> int | None:
    """Where a literal string that opened before `at` closes (nested parentheses, backslash escapes); None if the
    stream ends first."""
    depth = 1
    while depth:
        found = _PAREN.search(data, at, stop)
        if found is None:
            if stop < len(data):
                raise _unreadable()
            return None
        at = found.end() + (found.group() == b"\\")
        depth += {b"(": 1, b")": -1}.get(found.group(), 0)
    return at


def _inline_dict(data: bytes, at: int) -> tuple[dict[bytes, bytes] | None, int]:
    """The dictionary of an inline image, read from just after its BI to its ID as a PDF lexer would, and where
    reading stopped; None when what follows is no such dictionary (a `BI` inside a string or an image's data)."""
    stop = min(len(data), at + INLINE_DICT_BYTES)
    pairs: dict[bytes, bytes] = {}
    key: bytes | None = None
    depth = 0
    while True:
        token = _TOKEN.match(data, at, stop)
        if token is None:
            if stop < len(data) and not data[at:stop].strip(b" \t\r\n\x00\x0c"):
                raise _unreadable()
            return None, at
        at = token.end()
        comment, name, bracket, _, paren, word = token.groups()
        if paren:
            end = _string_end(data, at, stop)
            if end is None:
                return None, at
            at = end
        if comment or (depth and not bracket):
            continue
        if bracket:
            depth += 1 if bracket in (b"<<", b"[") else -1
            if depth < 0:
                return None, at
            if depth == 0 and key is not None:
                key = None
            elif depth == 1 and bracket in (b"<<", b"[") and key is None:
                return None, at
            continue
        if key is None:
            if word == b"ID":
                return pairs, at
            if not name:
                return None, at
            key = _unescape(name)
        else:
            pairs[key] = word or name or b""
            key = None


def _sizes_in(data: bytes, start: int, stop: int) -> Iterator[tuple[tuple[int, int] | None, int]]:
    """Each `BI` that begins in data[start:stop]: its image's size (None if it is no image), and the bytes read."""
    for found in _BI.finditer(data, start):
        if found.start() >= stop:
            return
        pairs, end = _inline_dict(data, found.end())
        if pairs is None:
            yield None, end - found.end()
            continue
        width = next((_number(v) for k, v in pairs.items() if k in _WIDTH), 0)
        height = next((_number(v) for k, v in pairs.items() if k in _HEIGHT), 0)
        yield (width, height), end - found.end()


def inline_image_sizes(chunks: Iterable[bytes]) -> Iterator[tuple[int, int]]:
    """Width and height of every inline image in a content stream, given a piece at a time (only a piece and a
    dictionary's length are held). Every `BI` is tried, even one inside a string, so that no lexing can be led
    astray by image data; what does not read as a dictionary is passed over."""
    data, start, budget = b"", 0, 1_000_000  # bytes read in dictionaries: 4 per byte of content, plus 1 MB
    for chunk in _then_end(chunks):
        data += chunk
        budget += 4 * len(chunk)
        stop = len(data) if not chunk else len(data) - INLINE_DICT_BYTES - 4  # every window whole in `data`
        for size, read in _sizes_in(data, start, stop) if stop > start else ():
            budget -= read
            if budget < 0:
                raise TooLarge("holds too many inline images to check")
            if size is not None:
                yield size
        if chunk and stop > start:
            keep = max(stop - 8, 0)  # a few bytes before the next `BI`, for the look-behind
            data, start = data[keep:], stop - keep


def _then_end(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces that hold bytes, then an empty one to mark the end."""
    yield from (c for c in chunks if c)
    yield b""


CHUNK = 1 << 20  # decoded bytes of a stream scanned at a time


def _decoded(doc: pymupdf.Document, xref: int) -> Iterator[bytes]:
    """A drawn stream's bytes, a megabyte at a time: a content stream can be a bomb too. Flate (nearly every
    content stream) is inflated here with a bound on each step; a stream with no filter is read as it is; any other
    filter, or a predictor, is left to MuPDF."""
    kind, value = doc.xref_get_key(xref, "Filter")
    plain = doc.xref_get_key(xref, "DecodeParms")[0] == "null"
    if kind == "null":
        yield doc.xref_stream_raw(xref) or b""
        return
    if value.strip("[] ") not in ("/FlateDecode", "/Fl") or not plain:
        yield doc.xref_stream(xref) or b""
        return
    inflate = zlib.decompressobj()
    pending = doc.xref_stream_raw(xref) or b""
    while pending:
        try:
            chunk = inflate.decompress(pending, CHUNK)
        except zlib.error:
            return  # a damaged stream: MuPDF draws what it can of it, and so much was scanned
        pending = inflate.unconsumed_tail
        yield chunk
        if inflate.eof:
            return
    yield inflate.flush()


def _key(doc: pymupdf.Document, xref: int, key: str) -> tuple[str, str]:
    kind, value = doc.xref_get_key(xref, key)
    if kind == "xref":  # an indirect value (`/Width 12 0 R`)
        found = _REF.match(value)
        return ("resolved", doc.xref_object(int(found.group(1)))) if found else (kind, value)
    return kind, value


def _streams(doc: pymupdf.Document, xref: int, key: str) -> list[int]:
    """The streams a key refers to: one, or an array or dictionary of them, itself direct or not."""
    kind, value = doc.xref_get_key(xref, key)
    refs = [int(n) for n in _REF.findall(value)] if kind in ("xref", "array", "dict") else []
    if kind == "xref" and refs and not doc.xref_is_stream(refs[0]):
        refs = [int(n) for n in _REF.findall(doc.xref_object(refs[0]))]
    return refs


def image_sizes(doc: pymupdf.Document) -> Iterator[tuple[int, int]]:
    """Width and height of every image the document can draw: image XObjects and inline images."""
    if doc.xref_length() > MAX_XREFS_SCANNED:
        raise TooLarge(f"has {doc.xref_length():,} objects, more than the {MAX_XREFS_SCANNED:,} vnplan checks")
    drawn: set[int] = set()
    for xref in range(1, doc.xref_length()):
        subtype = _key(doc, xref, "Subtype")[1]
        if subtype == "/Image":
            yield _number(_key(doc, xref, "Width")[1]), _number(_key(doc, xref, "Height")[1])
        elif subtype == "/Form" or _key(doc, xref, "PatternType")[0] != "null":
            drawn.add(xref)
        elif subtype == "/Type3":
            drawn.update(_streams(doc, xref, "CharProcs"))
        elif _key(doc, xref, "Type")[1] == "/Page":
            drawn.update(_streams(doc, xref, "Contents"))
    for xref in sorted(drawn):
        if doc.xref_is_stream(xref):
            yield from inline_image_sizes(_decoded(doc, xref))


def check_images(doc: pymupdf.Document, max_pixels: int) -> None:
    """Refuse a document that holds an image of more than `max_pixels` pixels, before any image is decoded."""
    for width, height in image_sizes(doc):
        if width * height > max_pixels:
            raise TooLarge(f"holds an image of {width:,} x {height:,} pixels, more than --max-pixels {max_pixels:,}")


def page_inline_sizes(page: pymupdf.Page) -> Iterator[tuple[int, int]]:
    """Width and height of every inline image in the streams one page draws: its contents, the forms it draws, its
    tiling patterns and its Type3 glyphs. MuPDF decodes an inline image whenever it runs the stream, to read the
    page's text too, so ingest checks these before it reads a page (image XObjects wait until it renders one)."""
    doc = page.parent
    forms = [x[0] for x in page.get_xobjects()]
    patterns = [ref for xref in (page.xref, *forms) for ref in _streams(doc, xref, "Resources/Pattern")]
    type3 = [f[0] for f in page.get_fonts(full=True) if f[2] == "Type3" and f[0]]
    glyphs = [ref for xref in type3 for ref in _streams(doc, xref, "CharProcs")]
    for xref in dict.fromkeys([*page.get_contents(), *forms, *patterns, *glyphs]):
        if doc.xref_is_stream(xref):
            yield from inline_image_sizes(_decoded(doc, xref))
