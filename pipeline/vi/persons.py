"""Names of people as a signature block prints them: `Nguyễn Văn A`, perhaps after a rank (`Đại tá`, `Thiếu tướng`)
or an academic title (`PGS.TS.`), which Decree 30 allows in the armed forces, education, health and science."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import key

# Military and police ranks (toneless), and how OCR loses their first letter under a seal (`ại tá`).
_RANK = re.compile(r"^\W*(?:(?:d|đ)?ai|thuong|trung|thieu)[\s-]*(?:tuong|ta|uy)\b[\s.:]*", re.IGNORECASE)
_ACADEMIC = re.compile(r"^\W*(?:(?:GS|PGS|TS|ThS|BS|CKII|CKI|DS|KTS|LS)\.\s*)+", re.IGNORECASE)
# Capitals OCR reads with a mark from the line above: `Ñguyễn`.
_LOOKALIKE_INITIALS = {"Ñ": "N"}
# Vietnamese family names as they are spelt: the common ones and those of the ethnic minorities (Tày, Nùng, Thái,
# Mường, H'Mông, Hoa). A name read by OCR must open with one to be trusted. Words that are more often something
# else at the start of a capitalised line (`Văn`, `Sơn`, `Quang`) are left out.
SURNAME_SPELLINGS = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Đoàn", "Doãn", "Lâm", "Mai", "Trịnh", "Đào", "Cao", "Lương", "Hà", "Tô", "Tạ",
    "Quách", "Chu", "Châu", "Thái", "Trương", "Lưu", "Lại", "La", "Lã", "Kiều", "Khổng", "Mạc", "Tăng", "Vương",
    "Phùng", "Triệu", "Đàm", "Thạch", "Kim", "Lò", "Lục", "Nông", "Hứa", "Âu", "Ông", "Ninh", "Tôn", "Từ",
    "Giang", "Nghiêm", "Đồng", "Diệp", "Viên", "Quan", "Khúc", "Khuất", "Cù", "Thân", "Mã", "Hầu", "Đậu",
    "Bạch", "Cấn", "Vi", "Tống", "Lữ", "Nhữ", "Bế", "Sầm", "Đới", "Tiêu", "Phí", "Lăng", "Hàng", "Mông", "Sùng", "Ma",
    "Giáp", "Ứng", "An", "Chung", "Cầm", "Cam", "Cái", "Cung", "Hàn", "Kha", "Khương",
    "Khiếu", "Lạc", "Lường", "Mẫn", "Ngôn", "Ngụy", "Nhan", "Phó", "Quản", "Tiết", "Trình",
    "Uông", "Vòng", "Bạc", "Bành", "Bì", "Chử", "Diêm", "Đổng", "Hạ", "Hán", "Lỗ", "Lộc", "Mạch", "Ma", "Mùa",
    "Giàng", "Thào", "Vàng", "Lầu", "Sủng", "Lù", "Điêu", "Dư", "Ung",
)  # fmt: skip
SURNAMES = frozenset(key(s) for s in SURNAME_SPELLINGS)
_SPELLING: dict[str, list[str]] = {}
for _s in dict.fromkeys(SURNAME_SPELLINGS):
    _SPELLING.setdefault(key(_s), []).append(_s)
# Letters OCR reads for an `o` or an `a` under a seal's rim or a pen stroke.
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "œ": "o", "ß": "b", "ä": "a", "ö": "o", "ü": "u"})


def strip_rank(text: str) -> tuple[str, str | None]:
    """`Đại tá Hà Văn Bốn` -> (`Hà Văn Bốn`, `Đại tá`); `PGS.TS. Lê A` -> (`Lê A`, `PGS.TS.`)."""
    plain = key(text)
    m = _RANK.match(plain)
    if m:
        return text[m.end() :].strip(), text[: m.end()].strip(" .:")
    m = _ACADEMIC.match(text)
    if m:
        return text[m.end() :].strip(), text[: m.end()].strip()
    return text.strip(), None


def person_name(text: str, *, strict: bool = False) -> str | None:
    """The name in a signer's name line, without rank or title; None when the line does not read as a name: two
    to five words, each a capitalised Vietnamese syllable. `strict` (for OCR'd lines) also wants a known family
    name first, since a seal over the line makes OCR invent plausible syllables; there a family name that a seal's
    rim or a stroke garbled is mended when exactly one family name is that close (`Høăng` -> `Hoàng`)."""
    name, _ = strip_rank(re.sub(r"^[^\w(]+", "", text.strip()).strip(" .,;:'`\"“”‘’|_-—"))
    words = [_LOOKALIKE_INITIALS.get(w[:1], w[:1]) + w[1:] for w in name.split()]
    if strict and words:
        words[0] = family_name(words[0]) or words[0]
    if not 2 <= len(words) <= 5:
        return None
    for w in words:
        if not (w[:1].isupper() and w[1:].islower() and is_valid_syllable(w)):
            return None
    if strict and key(words[0]) not in SURNAMES:
        return None
    return " ".join(words)


def family_name(word: str) -> str | None:
    """A family name as spelt (`Hoàng`) for a word OCR read for it: the word itself when it is one; the one
    spelling of its toneless form (`Nguyên` -> `Nguyễn`); for a word that is no Vietnamese syllable at all (a seal's
    rim or a stroke garbled it: `Hơàăng`), the one family name within one letter of it. None when none or several
    are that close, and for a real syllable (`Xuân` is a given name, not a garbled `Quan`): never a guess."""
    if word in _SPELLING.get(key(word), []):
        return word
    folded = key(word.translate(_FOLD))
    if not word[:1].isupper() or not folded.isalpha():
        return None
    if folded in _SPELLING:
        spelt = _SPELLING[folded]
        return spelt[0] if len(spelt) == 1 else None
    if len(folded) < 4 or is_valid_syllable(word):
        return None
    near = [s for s in _SPELLING if Levenshtein.distance(s, folded) == 1]
    return _SPELLING[near[0]][0] if len(near) == 1 and len(_SPELLING[near[0]]) == 1 else None


# Posts a signer holds, and the head of a body who speaks for it in a decision's authority line, as Decree 30 spells
# them (Phụ lục I §V).
OFFICE_SPELLINGS = (
    "Phó Chủ tịch", "Chủ tịch", "Phó Giám đốc", "Giám đốc", "Tổng Giám đốc", "Phó Thủ tướng", "Thủ tướng",
    "Bộ trưởng", "Thứ trưởng", "Phó Trưởng ban", "Trưởng ban", "Phó Cục trưởng", "Cục trưởng", "Tổng cục trưởng",
    "Phó Tổng cục trưởng", "Chi cục trưởng", "Viện trưởng", "Phó Viện trưởng", "Hiệu trưởng", "Phó Hiệu trưởng",
    "Phó Chánh Văn phòng", "Chánh Văn phòng", "Chánh Thanh tra", "Phó Chánh Thanh tra", "Chánh án", "Trưởng phòng",
    "Phó Trưởng phòng", "Tổ trưởng", "Phó Tổ trưởng", "Chủ nhiệm", "Phó Chủ nhiệm", "Thống đốc", "Tổng Kiểm toán",
    "Bí thư", "Phó Bí thư", "Tổng Thư ký", "Trưởng khoa", "Tổng Bí thư", "Chủ tịch nước",
)  # fmt: skip
OFFICE_NAMES = {key(o): o for o in OFFICE_SPELLINGS}
OFFICES = tuple(OFFICE_NAMES)


def office_of(text: str) -> str | None:
    """The post a line opens with (`PHÓ CHỦ TỊCH UBND TỈNH` -> `pho chu tich`), or None."""
    k = key(text).strip(" .,:;_-`'")
    found = [o for o in OFFICES if k == o or k.startswith(o + " ")]
    return max(found, key=len) if found else None
