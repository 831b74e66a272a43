"""The printed words either side of a header blank ("Số:", "ngày", "tháng", "năm", the symbol), found on the page
image by their shape.

OCR's word boxes cannot say where a blank begins: a handwritten number run into "ngày" widens that word's box over
the digits (measured: "ngày" 44 points wide where the word is 26). Decree 30/2020/NĐ-CP sets the header in Times New
Roman (the date line in italics), whose shapes Liberation Serif shares metric for metric: the word is drawn in that
font at the line's size and slid along the line, and its place is where the drawing matches the page's ink best
(normalised correlation, a few sizes and styles tried). Without the font (it comes with fonts-liberation2, which
make setup installs), or where nothing matches well (a typewriter's header), the caller falls back on the widths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
STYLES = ("Regular", "Italic", "Bold", "BoldItalic")
MIN_MATCH = 0.5  # the normalised correlation below which a word is taken as not found
SIZES = (0.95, 1.05, 1.15)  # of the size the line's OCR boxes give (their ink is narrower than the type's advance)


@cache
def _font(style: str, size: int) -> ImageFont.FreeTypeFont | None:
    path = FONT_DIR / f"LiberationSerif-{style}.ttf"
    return ImageFont.truetype(str(path), size) if path.is_file() else None


def drawn(text: str, style: str, size: int, ascent: int, height: int) -> np.ndarray | None:
    """The word as ink (0..1), its baseline `ascent` pixels below the top of an image `height` pixels high."""
    font = _font(style, size)
    if font is None:
        return None
    width = round(font.getlength(text)) + 4
    img = Image.new("L", (width, height), 0)
    ImageDraw.Draw(img).text((2, ascent), text, fill=255, font=font, anchor="ls")
    box = img.getbbox()
    if box is None:
        return None
    return np.asarray(img.crop((box[0], 0, box[2], height)), dtype=np.float32) / 255.0


def locate(ink: np.ndarray, text: str, size: float, baseline: int, lo: int, hi: int) -> tuple[int, int] | None:
    """Where a printed word lies (left and right pixel columns of its ink) in a band of ink (0..1) whose baseline is
    row `baseline`, its left edge searched between columns lo and hi; None when it does not match well."""
    best: tuple[float, int, int] | None = None
    for style in STYLES:
        for factor in SIZES:
            template = drawn(text, style, max(6, round(size * factor)), baseline, ink.shape[0])
            if template is None:
                return None
            found = _best(ink, _soft(template), _shifts(size), lo, hi)
            if found is not None and (best is None or found[0] > best[0]):
                best = (found[0], found[1], found[1] + template.shape[1])
    if best is None or best[0] < MIN_MATCH:
        return None
    return best[1], best[2]


def _shifts(size: float) -> list[int]:
    """How far above the given baseline the printed one may lie (pixels): the line's box, whence the baseline, takes
    in handwriting that hangs below the line, so the type may stand up to a third of its size higher."""
    step = max(1, round(size / 12))
    return sorted({0, *range(-step, round(size / 3) + 1, step)})


def _raised(template: np.ndarray, shift: int) -> np.ndarray:
    """The template moved `shift` rows up (down when negative), blank rows coming in."""
    if shift == 0:
        return template
    out = np.zeros_like(template)
    if shift > 0:
        out[:-shift] = template[shift:]
    else:
        out[-shift:] = template[:shift]
    return out


def _soft(image: np.ndarray) -> np.ndarray:
    """A slightly blurred copy: a scan's strokes are bolder or thinner than the font's, and shifted a pixel."""
    img = Image.fromarray((image * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    return np.asarray(img, dtype=np.float32) / 255.0


def _best(ink: np.ndarray, template: np.ndarray, shifts: list[int], lo: int, hi: int) -> tuple[float, int] | None:
    """The best normalised correlation of the template, raised by each of `shifts` rows, over the band, its left
    edge in [lo, hi], and where. The rows' spectra are summed before the one inverse transform a shift needs (the
    sum of the rows' correlations is the correlation of the sum), and the band's and the template's are computed
    once for all shifts: each row is transformed on its own, so the raised template's spectra are the template's
    moved by as many rows (see _raised)."""
    h, w = template.shape
    lo, hi = max(lo, 0), min(hi, ink.shape[1] - w)
    if hi < lo or h != ink.shape[0]:
        return None
    window = ink[:, lo : hi + w]
    n = window.shape[1] + w
    band = np.fft.rfft(window, n, axis=1)
    energy = np.concatenate([[0.0], np.cumsum((window**2).sum(axis=0))])
    local = np.maximum(energy[w : w + hi - lo + 1] - energy[: hi - lo + 1], 1e-6)
    spectra = np.conj(np.fft.rfft(template, n, axis=1))
    best: tuple[float, int] | None = None
    for shift in shifts:
        raised = _raised(template, shift)
        spectrum = (band * _raised(spectra, shift)).sum(axis=0)
        dot = np.fft.irfft(spectrum, n)[: hi - lo + 1]
        score = dot / np.sqrt(local * max(float((raised**2).sum()), 1e-6))
        at = int(np.argmax(score))
        if best is None or score[at] > best[0]:
            best = (float(score[at]), lo + at)
    return best
