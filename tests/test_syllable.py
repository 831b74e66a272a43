from __future__ import annotations

import pytest

from pipeline.vi.syllable import is_valid_syllable


@pytest.mark.parametrize(
    "word",
    ["quốc", "gì", "giữa", "giếng", "gìn", "khuya", "khuỷu", "nghiêng", "ngoặc", "huỳnh", "quỳnh", "hoạch",
     "thuyền", "quyết", "Đặng", "TRƯỜNG", "yếm", "oái", "kẻ", "ghế", "xong"],
)  # fmt: skip
def test_real_syllables(word: str) -> None:
    assert is_valid_syllable(word)


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("tồt", "a rhyme closed by t takes only sắc or nặng"),
        ("học̀", "two tones"),
        ("ưong", "no such rhyme"),
        ("anhh", "no such rhyme"),
        ("ge", "g before e is spelt gh"),
        ("ci", "c before i is spelt k"),
        ("ka", "k only before i, e, ê, y"),
        ("rnáu", "OCR's rn for m"),
        ("kh", "no rhyme"),
        ("abc1", "not letters"),
    ],
)
def test_not_syllables(word: str, why: str) -> None:
    assert not is_valid_syllable(word), why
