"""Names of people as a signature block prints them: `Nguyễn Văn A`, perhaps after a rank (`Đại tá`, `Thiếu tướng`)
or an academic title (`PGS.TS.`), which Decree 30 allows in the armed forces, education, health and science."""

from __future__ import annotations

import re

from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import key

# Military and police ranks (toneless), and how OCR loses their first letter under a seal (`ại tá`).
_RANK = re.compile(r"^\W*(?:(?:d|đ)?ai|thuong|trung|thieu)[\s-]*(?:tuong|ta|uy)\b[\s.:]*", re.IGNORECASE)
_ACADEMIC = re.compile(r"^\W*(?:(?:GS|PGS|TS|ThS|BS|CKII|CKI|DS|KTS|LS)\.\s*)+", re.IGNORECASE)
# Capitals OCR reads with a mark from the line above: `Ñguyễn`.
_LOOKALIKE_INITIALS = {"Ñ": "N"}
# Common Vietnamese family names (toneless): a name read by OCR must open with one to be trusted.
SURNAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh doan lam mai trinh dao cao luong "
    "ha to ta quach chu chau thai truong luu lai la kieu khong mac tang vuong phung trieu dam thach kim lo luc nong "
    "hua au ong ninh ton tu giang nghiem dong diep vien quan khuc khuat cu than ma hau dau bach can vi tong lu "
    "doan nhu be sam doi tieu phi lang hang mong sung giap ung an ca chung hoa y".split()
)


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
    name first, since a seal over the line makes OCR invent plausible syllables."""
    name, _ = strip_rank(text.strip(" .,;:'`\"“”‘’|_-—"))
    words = [_LOOKALIKE_INITIALS.get(w[:1], w[:1]) + w[1:] for w in name.split()]
    if not 2 <= len(words) <= 5:
        return None
    for w in words:
        if not (w[:1].isupper() and w[1:].islower() and is_valid_syllable(w)):
            return None
    if strict and key(words[0]) not in SURNAMES:
        return None
    return " ".join(words)


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
