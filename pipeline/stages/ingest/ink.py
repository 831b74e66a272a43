"""Colour to grey for OCR, choosing which inks stay: black print always; red seals and blue pen as chosen.

A red seal stamped over the signer's name, or a received stamp over the header, turns dark grey in an ordinary
greyscale rendering and hides the black letters under it. The red channel alone shows red as white and black as
black; blue pen (handwritten numbers and dates) stays dark in it, since blue has little red. The brightest channel
shows every strongly coloured ink as light, blue included.

Measured on the 11 real scans with red seals, red stamps or blue pen (benchmarks/ocr_words.py --colour MODE): words
of the gold's signer and body names found, and cited document numbers found whole:
grey 296/314 and 28/47, red 303/314 and 28/47, max 304/314 and 26/47 (blue numbers lost). Red is the default.
"""

from __future__ import annotations

import numpy as np


def grey_pgm(rgb: np.ndarray, mode: str) -> bytes:
    """An RGB image (height, width, 3) as a binary PGM, grey by `mode`: `grey` (luminance), `red` (the red
    channel: red seals drop out, blue ink stays), `max` (the brightest channel: every strong colour drops out)."""
    if mode == "red":
        grey = rgb[:, :, 0]
    elif mode == "max":
        grey = rgb.max(axis=2)
    else:
        grey = (rgb @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    height, width = grey.shape
    return f"P5\n{width} {height}\n255\n".encode() + np.ascontiguousarray(grey, dtype=np.uint8).tobytes()
