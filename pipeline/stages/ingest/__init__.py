"""Ingest: any supported input file to a RawDocument of lines (with positions) and tables.

Input is triaged before parsing: by its first bytes, not its name, so a renamed file gets a clear error.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from pathlib import Path

from pipeline.errors import NoText, NotFound, NotPdf, TooLarge, UnsupportedInput
from pipeline.records import InputKind, RawDocument, WarningRecord
from pipeline.stages.ingest.kinds import PDF_SUFFIXES, SUPPORTED, TEXT_SUFFIXES, WORD_SUFFIXES
from pipeline.stages.ingest.options import IngestOptions, seconds_left

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of old Office files (.doc, .xls, .ppt)

__all__ = ["SUPPORTED", "IngestOptions", "ingest", "ingest_bytes"]


def ingest(path: str | Path, options: IngestOptions | None = None) -> RawDocument:
    """Read one file. Raises an InputError subclass for anything that is not a readable plan document."""
    options = options or IngestOptions()
    path = Path(path)
    if not path.is_file():
        raise NotFound("no such file", path=str(path))
    size = path.stat().st_size
    if size > options.max_bytes:
        raise TooLarge(f"is {size:,} bytes, more than --max-bytes {options.max_bytes:,}", path=str(path))
    try:
        return ingest_bytes(path.read_bytes(), str(path), options)
    except (NotPdf, UnsupportedInput, TooLarge, NoText) as e:
        e.path = e.path or str(path)
        raise


def ingest_bytes(data: bytes, name: str, options: IngestOptions | None = None) -> RawDocument:
    options = options or IngestOptions()
    suffix = Path(name).suffix.lower()
    digest = hashlib.sha256(data).hexdigest()
    from pipeline.stages.ingest.pdf import read_pdf  # here, not above: listing input kinds needs no PDF library
    from pipeline.stages.ingest.text import read_text

    try:
        if _looks_like_pdf(data):
            pdf = read_pdf(data, options)
            return RawDocument(
                path=name,
                sha256=digest,
                input_kind="pdf",
                pages=len(pdf.sizes),
                lines=tuple(pdf.lines),
                tables=tuple(pdf.tables),
                ocr_pages=tuple(pdf.ocr_pages),
                page_sizes=tuple(pdf.sizes),
                warnings=tuple(pdf.warnings),
                ocr_reasons=tuple(pdf.ocr_reasons),
                overlays=tuple(pdf.overlays),
            )
        kind = _word_kind(data)
        if kind is not None:
            return _word_document(data, name, digest, kind, options)
        if suffix in PDF_SUFFIXES:
            raise NotPdf(f"is named .pdf but is not a PDF (it starts with {_describe(data)})")
        if suffix in TEXT_SUFFIXES:
            text, warning = decode_text(data)
            text_lines, text_tables = read_text(text)
            if not any(ln.text.strip() for ln in text_lines) and not text_tables:
                raise NoText("has no text: the file is empty or only blank")
            return RawDocument(
                path=name,
                sha256=digest,
                input_kind="text",
                pages=1,
                lines=tuple(text_lines),
                tables=tuple(text_tables),
                warnings=(warning,) if warning else (),
            )
        if suffix in WORD_SUFFIXES:
            raise UnsupportedInput(f"is named {suffix} but is not a Word document (it starts with {_describe(data)})")
        raise UnsupportedInput(
            f"has an unsupported type {suffix or '(no suffix)'}; vnplan reads .pdf, .docx, .doc, .txt and .md"
        )
    except Exception as e:
        if hasattr(e, "path") and getattr(e, "path", None) is None:
            e.path = name
        raise


def _word_kind(data: bytes) -> InputKind | None:
    """docx for a ZIP holding word/document.xml, doc for an old Office file; None otherwise."""
    if data.startswith(OLE2):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return "docx" if "word/document.xml" in z.namelist() else None
        except zipfile.BadZipFile:
            return None
    return None


def _word_document(data: bytes, name: str, digest: str, kind: InputKind, options: IngestOptions) -> RawDocument:
    from pipeline.stages.ingest.word import read_doc, read_docx, to_records  # only Word input pays for it

    blocks = read_docx(data) if kind == "docx" else read_doc(data, seconds_left(options, options.ocr_timeout))
    lines, tables = to_records(blocks)
    if not lines and not tables:
        raise NoText("has no text: the Word document is empty")
    return RawDocument(path=name, sha256=digest, input_kind=kind, pages=1, lines=tuple(lines), tables=tuple(tables))


def _looks_like_pdf(data: bytes) -> bool:
    # The PDF header may follow some junk bytes; readers accept it within the first KiB.
    return b"%PDF-" in data[:1024]


def _describe(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if not data:
        return "nothing: the file is empty"
    if head.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if data[:4] == b"PK\x03\x04":
        return "a ZIP archive (a DOCX or XLSX?)"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "an old Office file (DOC/XLS?)"
    return repr(data[:8])


def decode_text(data: bytes) -> tuple[str, WarningRecord | None]:
    """UTF-8 (with or without BOM) or UTF-16. Any other file is 8-bit: it is read byte for byte as Latin-1, which
    loses nothing, and normalize decodes each paragraph as TCVN3, VNI or Windows-1258, whichever it is."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicodedata.normalize("NFC", data.decode("utf-16")), None
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8-sig")), None
    except UnicodeDecodeError:
        return data.decode("latin-1"), WarningRecord(
            "legacy_encoding", "the text file is not UTF-8; its 8-bit encoding (TCVN3, VNI, Windows-1258) is decoded"
        )
