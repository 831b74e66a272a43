"""Build the sample PDFs from the seed texts in this folder.

For each `NAME.txt` (an OCR'd plan, errors included) this writes:
- `NAME.layer.pdf`: A4, Liberation Serif 2 (Debian `fonts-liberation2`), laid out as such a plan is printed (Decree
  30/2020/NĐ-CP): number and place/date on one row, bold centred type and title, bold headings, justified text,
  `Nơi nhận` beside the signature block, and any tab-separated table as a ruled table on a page of its own;
- `NAME.scan.pdf`: the same pages rasterised at 200 dpi in greyscale, turned by under 1°, with noise, saved as
  JPEG with no text layer, so that only OCR can read it.

The output is deterministic (seeded noise, fixed dates), so `tests/test_samples.py` can check that what is
committed is what this script builds. Run: `python samples/build.py [--out DIR]`.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pymupdf as fitz
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"),)  # Liberation 2.x: full Vietnamese glyphs (1.x lacks them)
FIXED_DATE = datetime(2021, 1, 1, tzinfo=UTC)
SCAN_DPI = 200

BODY_SIZE = 13.0
SMALL_SIZE = 11.0
LINE_H = 6.2  # mm, for 13 pt
MARGINS = (30.0, 20.0, 15.0)  # left, top, right in mm (Decree 30: 30-35 / 20-25 / 15-20)

DOC_TYPES = ("KẾ HOẠCH", "QUYẾT ĐỊNH", "CHỈ THỊ", "THÔNG BÁO", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "BÁO CÁO")


@dataclass
class Para:
    text: str
    bold: bool = False
    italic: bool = False


def find_font_dir() -> Path:
    for d in FONT_DIRS:
        if (d / "LiberationSerif-Regular.ttf").exists():
            return d
    sys.exit("Liberation Serif not found: install Debian fonts-liberation2 (make setup does).")


def clean_inline(text: str) -> tuple[str, bool, bool]:
    """Strip Markdown/HTML emphasis from a whole line; say whether it was bold or italic."""
    bold = text.lstrip().startswith("#") or bool(re.fullmatch(r"\s*\*\*.+\*\*\s*", text))
    text = re.sub(r"^\s*#+\s*", "", text)
    italic = bool(re.fullmatch(r"\s*(\*[^*].*\*|<i>.*</i>)\s*", text)) and not bold
    text = text.replace("**", "").replace("<i>", "").replace("</i>", "")
    text = re.sub(r"(?<!\w)\*([^*]+)\*", r"\1", text)
    return text.strip(), bold, italic


def paragraphs(lines: list[str]) -> list[Para]:
    """Blank lines and list markers separate paragraphs; wrapped lines of one paragraph are joined."""
    out: list[Para] = []
    current: list[str] = []
    flags = (False, False)

    def flush() -> None:
        if current:
            out.append(Para(" ".join(current), *flags))
            current.clear()

    for raw in lines:
        if not raw.strip():
            flush()
            continue
        text, bold, italic = clean_inline(raw)
        starts_item = bool(re.match(r"^([-+•]\s|[IVX]+\.\s|\d+(\.\d+)*\.\s|[a-zđ]\)\s)", text))
        if starts_item or not current or bold or text.isupper():
            flush()
            flags = (bold, italic)
        current.append(text)
    flush()
    return out


class PlanPdf(FPDF):
    def __init__(self, font_dir: Path) -> None:
        super().__init__(format="A4", unit="mm")
        for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic")):
            self.add_font("Serif", style, str(font_dir / f"LiberationSerif-{name}.ttf"))
        self.set_margins(*MARGINS)
        self.set_auto_page_break(True, margin=20)
        self.set_creation_date(FIXED_DATE)
        self.set_creator("vnplan samples/build.py")

    def header(self) -> None:
        # Decree 30: page numbers centred in the top margin, none on the first page.
        if self.page_no() > 1:
            self.set_font("Serif", "", SMALL_SIZE)
            self.set_y(10)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(MARGINS[1])

    def para(self, text: str, style: str = "", size: float = BODY_SIZE, align: str = "J", gap: float = 1.5) -> None:
        self.set_font("Serif", style, size)
        self.multi_cell(0, LINE_H * size / BODY_SIZE, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)


def is_heading(p: Para) -> bool:
    if p.bold:
        return True
    return bool(re.match(r"^[IVX]+\.\s", p.text)) or (
        bool(re.match(r"^(\d+\.)+\d*\s", p.text)) and len(p.text) < 90 and not p.text.endswith(".")
    )


def split_sections(paras: list[Para]) -> dict[str, list[Para]]:
    """Cut a plan into header, body, closing (Nơi nhận + signature) and appendix."""
    type_at = next(i for i, p in enumerate(paras) if p.text.upper().startswith(DOC_TYPES))
    recip_at = next(i for i, p in enumerate(paras) if p.text.lower().startswith("nơi nhận"))
    annex_at = next((i for i, p in enumerate(paras) if i > recip_at and p.text.startswith("(Kèm theo")), len(paras))
    # The appendix title is the run of capitalised paragraphs just before "(Kèm theo".
    while annex_at < len(paras) and annex_at - 1 > recip_at and paras[annex_at - 1].text.isupper():
        annex_at -= 1
    return {
        "header": paras[:type_at],
        "body": paras[type_at:recip_at],
        "closing": paras[recip_at:annex_at],
        "appendix": paras[annex_at:],
    }


def draw_header(pdf: PlanPdf, header: list[Para]) -> None:
    number = next((p.text for p in header if re.match(r"^Số\s*:", p.text)), None)
    date = next((p.text for p in header if re.search(r",\s*ngày\s+\d", p.text)), None)
    stamp = [p.text for p in header if p.text not in (number, date)]
    top = pdf.get_y()
    if stamp:  # a receiving stamp, boxed, in the top-left corner
        pdf.set_font("Serif", "B", SMALL_SIZE)
        pdf.set_xy(MARGINS[0], top)
        pdf.multi_cell(62, 5.2, "\n".join(stamp), border=1, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    row = pdf.get_y()
    if number:
        pdf.set_font("Serif", "", BODY_SIZE)
        pdf.set_xy(MARGINS[0], row)
        pdf.cell(62, LINE_H, number, align="C")
    if date:
        pdf.set_font("Serif", "I", BODY_SIZE)
        pdf.set_xy(MARGINS[0] + 66, row)
        pdf.cell(0, LINE_H, date, align="C")
    pdf.set_xy(MARGINS[0], row + LINE_H + 6)


def draw_body(pdf: PlanPdf, body: list[Para]) -> None:
    first = body[0].text
    kind = next(t for t in DOC_TYPES if first.upper().startswith(t))
    pdf.para(kind, "B", 14, align="C", gap=0.5)
    title_parts = [first[len(kind) :].strip()] if first[len(kind) :].strip() else []
    rest = body[1:]
    while rest and not re.match(r"^(Thực hiện|Căn cứ|Trên cơ sở)", rest[0].text) and not is_heading_numbered(rest[0]):
        title_parts.append(rest.pop(0).text)
    if title_parts:
        pdf.para(" ".join(title_parts), "B", 14, align="C", gap=0)
        x = pdf.w / 2 + (MARGINS[0] - MARGINS[2]) / 2
        pdf.line(x - 20, pdf.get_y() + 1, x + 20, pdf.get_y() + 1)
        pdf.ln(6)
    for p in rest:
        if is_heading(p):
            pdf.para(p.text, "B", align="L")
        else:
            pdf.para(p.text, "I" if p.italic else "")


def is_heading_numbered(p: Para) -> bool:
    return bool(re.match(r"^([IVX]+|\d+)\.\s", p.text))


def draw_closing(pdf: PlanPdf, closing: list[Para]) -> None:
    """`Nơi nhận` in the left column, the signature block in the right one."""
    auth_at = next(i for i, p in enumerate(closing) if re.match(r"^(TM|KT|TL|TUQ|Q)\.\s", p.text))
    recipients = closing[:auth_at]
    signature = closing[auth_at:]
    if pdf.get_y() > pdf.h - 110:
        pdf.add_page()
    top = pdf.get_y() + 2
    pdf.set_xy(MARGINS[0], top)
    pdf.set_font("Serif", "BI", 12)
    pdf.cell(75, 5.5, recipients[0].text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", SMALL_SIZE)
    for p in recipients[1:]:
        pdf.set_x(MARGINS[0])
        pdf.multi_cell(75, 4.8, p.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_xy(MARGINS[0] + 80, top)
    lines = [p.text for p in signature]
    name = lines[-1]
    for text in lines[:-1]:
        for part in text.split("\n"):
            pdf.set_x(MARGINS[0] + 80)
            pdf.set_font("Serif", "B", BODY_SIZE)
            pdf.multi_cell(0, LINE_H, part.strip(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(24)
    pdf.set_x(MARGINS[0] + 80)
    pdf.set_font("Serif", "B", BODY_SIZE)
    pdf.cell(0, LINE_H, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)


def draw_appendix(pdf: PlanPdf, appendix: list[Para], table_rows: list[list[str]]) -> None:
    if not appendix and not table_rows:
        return
    pdf.add_page()
    for p in appendix:
        italic = p.text.startswith("(")
        pdf.para(p.text, "I" if italic else "B", BODY_SIZE, align="C", gap=0.5)
    pdf.ln(3)
    if not table_rows:
        return
    pdf.set_font("Serif", "", 10.5)
    width = pdf.w - MARGINS[0] - MARGINS[2]
    widths = (12, width - 12 - 38 - 38, 38, 38)
    header, *data = table_rows
    with pdf.table(
        col_widths=widths,
        text_align=("CENTER", "LEFT", "CENTER", "CENTER"),
        line_height=5.2,
        first_row_as_headings=True,
        headings_style=FontFaceBold(),
        repeat_headings=1,
    ) as table:
        for cells in [header, *data]:
            row = table.row()
            group = bool(re.fullmatch(r"[IVX]+", cells[0].strip())) or "TỔNG" in cells[1].upper()
            for i, text in enumerate(cells):
                text = text.replace("<i>", "").replace("</i>", "")
                style = FontFaceBold() if group and i < 3 else None
                row.cell(text, style=style)


def FontFaceBold() -> object:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD")


def build_text_pdf(seed: Path, out: Path, font_dir: Path) -> None:
    lines = seed.read_text(encoding="utf-8").splitlines()
    table_rows = [ln.split("\t") for ln in lines if "\t" in ln]
    text_lines = [ln for ln in lines if "\t" not in ln]
    parts = split_sections(paragraphs(text_lines))
    pdf = PlanPdf(font_dir)
    pdf.add_page()
    draw_header(pdf, parts["header"])
    draw_body(pdf, parts["body"])
    draw_closing(pdf, parts["closing"])
    draw_appendix(pdf, parts["appendix"], [r + [""] * (4 - len(r)) for r in table_rows])
    pdf.output(str(out))


def scan_page(png: bytes, rng: random.Random) -> bytes:
    """Turn a clean page image into what a 200-dpi office scanner gives: skewed, soft, noisy JPEG."""
    img = Image.open(io.BytesIO(png)).convert("L")
    angle = rng.uniform(0.25, 0.85) * rng.choice((-1, 1))
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    arr = np.asarray(img, dtype=np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 9, arr.shape)
    arr = np.clip(arr * 0.93 + 10 + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr, mode="L").save(buf, format="JPEG", quality=60, optimize=True)
    return buf.getvalue()


def build_scan_pdf(text_pdf: Path, out: Path, seed: int) -> None:
    rng = random.Random(seed)
    src = fitz.open(text_pdf)
    dst = fitz.open()
    for page in src:
        pix = page.get_pixmap(dpi=SCAN_DPI, colorspace=fitz.csGRAY)
        jpeg = scan_page(pix.tobytes("png"), rng)
        new = dst.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=jpeg)
    dst.set_metadata({"creator": "vnplan samples/build.py", "producer": "scan simulation", "creationDate": ""})
    dst.save(out, garbage=4, deflate=True, no_new_id=True)


def build(out_dir: Path, seeds: list[Path] | None = None) -> list[Path]:
    font_dir = find_font_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, seed in enumerate(sorted(seeds or HERE.glob("*.txt"))):
        layer = out_dir / f"{seed.stem}.layer.pdf"
        scan = out_dir / f"{seed.stem}.scan.pdf"
        build_text_pdf(seed, layer, font_dir)
        build_scan_pdf(layer, scan, seed=1000 + i)
        written += [layer, scan]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write the PDFs to (default: samples/)")
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
