"""Names of issuing bodies as Decree 30/2020/NĐ-CP prints them in a header: lines into bodies, bodies into names.

The header's left column gives the direct parent body (if any) and, under it, the issuing body, in capitals, each
possibly wrapped over two lines: `ỦY BAN NHÂN DÂN / TỈNH YÊN BÁI`, `UBND TỈNH YÊN BÁI / SỞ Y TẾ`,
`HIỆP HỘI / DOANH NGHIỆP NHỎ VÀ VỪA / BAN THƯỜNG VỤ`. A line starts a new body when it opens with the kind of a
body (`SỞ`, `BAN`, `CỤC` …) and the body before it is complete; a line that opens with a place (`TỈNH …`,
`THÀNH PHỐ …`) or follows a bare kind (`ỦY BAN NHÂN DÂN`, `HIỆP HỘI`, `THỦ TƯỚNG`) continues it.
"""

from __future__ import annotations

import math
import re

from pipeline.vi.gazetteer import province_names
from pipeline.vi.lexicon import lexicon
from pipeline.vi.names import DEPARTMENTS
from pipeline.vi.syllable import is_valid_syllable
from pipeline.vi.text import key

# Kinds of bodies, as the first words of their names (toneless keys), longest first when matched.
BODY_KINDS = (
    "uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd", "uy ban mat tran", "mat tran", "uy ban", "hoi dong",
    "thu tuong", "chinh phu", "quoc hoi", "chu tich nuoc", "van phong", "bo chi huy", "bo tu lenh", "bo", "tong cuc",
    "chi cuc", "cuc", "so", "ban thuong vu", "ban chap hanh", "ban chi dao", "ban quan ly", "ban", "vu", "vien",
    "hoc vien", "truong", "dai hoc", "cong an", "to", "phong", "trung tam", "doan", "hiep hoi", "lien hiep",
    "lien doan", "hoi", "thanh tra", "kho bac", "ngan hang", "benh vien", "tong cong ty", "cong ty", "dang uy",
    "dang bo", "tinh uy", "thanh uy", "huyen uy", "quan uy", "tinh doan", "thanh doan", "huyen doan", "toa an",
    "vien kiem sat", "dai", "bao", "bao hiem xa hoi", "quy", "thuong truc", "chi nhanh", "kiem toan", "bo doi",
)  # fmt: skip
# Kinds that name nothing on their own: the line after them continues the name.
BARE_KINDS = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd", "thu tuong", "hiep hoi", "hoi", "uy ban", "bo")
# Organs of the body above them: their full name carries that body's name (`Ban Thường vụ Hiệp hội …`).
ORGANS = ("ban thuong vu", "ban chap hanh", "thuong truc", "van phong")
# Bodies of the central state: their header's place line names the capital, not a province of theirs.
CENTRAL_KINDS = ("bo", "chinh phu", "thu tuong", "quoc hoi", "chu tich nuoc", "tong cuc", "van phong")
PLACE_KINDS = ("thanh pho", "tinh", "huyen", "quan", "thi xa", "thi tran", "xa", "phuong", "dac khu", "tp")
_MARKED_PLACES = {"quan": "quận", "xa": "xã", "phuong": "phường"}
# Words after which a name goes on to the next line.
_OPEN_END = re.compile(r"(?:,|-|–|\bva|\bcua|\bve)$")
ABBREVIATE = (("uy ban nhan dan", "UBND"), ("hoi dong nhan dan", "HĐND"))


def _starts(k: str, words: tuple[str, ...]) -> str | None:
    """The longest of `words` that the key starts with, as whole words."""
    found = [w for w in words if k == w or k.startswith(w + " ")]
    return max(found, key=len) if found else None


def body_kind(text: str) -> str | None:
    """The kind a line opens with (`so`, `uy ban nhan dan` …), or None; `TỈNH ỦY` is a body, `TỈNH X` a place."""
    k = key(text).strip(" .,:-")
    return _starts(k, BODY_KINDS)


def place_kind(text: str) -> str | None:
    """The kind of place a text opens with (`tinh`, `thanh pho` …); `quận`, `xã`, `phường` only with their marks,
    since `QUẢN LÝ`, `XA`, `PHƯƠNG` are other words."""
    kind = _starts(key(text).strip(" .,:-"), PLACE_KINDS)
    if kind in _MARKED_PLACES and not text.strip(" .,:-").lower().startswith(_MARKED_PLACES[kind]):
        return None
    return kind


def deglue(text: str) -> str:
    """Words in capitals that OCR ran together, split into syllables: `BỘTÀICHÍNH` -> `BỘ TÀI CHÍNH`."""
    return " ".join(_split_syllables(w) for w in text.split())


def _split_syllables(word: str) -> str:
    """The split into the fewest valid syllables, the most frequent ones (and pairs) among equals."""
    if len(word) < 5 or not word.isalpha() or not word.isupper() or is_valid_syllable(word):
        return word
    best: list[tuple[int, float, list[str]] | None] = [(0, 0.0, [])] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(max(0, end - 7), end - 1):
            prefix, piece = best[start], word[start:end]
            if prefix is None or not is_valid_syllable(piece):
                continue
            n, score, pieces = prefix
            score += _frequency(piece, pieces[-1] if pieces else None)
            candidate = (n + 1, score, [*pieces, piece])
            held = best[end]
            if held is None or (candidate[0], -candidate[1]) < (held[0], -held[1]):
                best[end] = candidate
    found = best[len(word)]
    return " ".join(found[2]) if found else word


def _frequency(piece: str, before: str | None) -> float:
    lex = lexicon()
    low = piece.lower()
    pair = lex.pairs.get(f"{before.lower()} {low}", 0) if before else 0
    return math.log1p(lex.unigrams.get(low, 0)) + math.log1p(pair)


def split_bodies(lines: list[str]) -> list[str]:
    """Header lines of the issuer column -> one text per body, top to bottom (parent first)."""
    bodies: list[str] = []
    for line in (deglue(ln.strip(" .:;_—|'`")) for ln in lines):
        if not line:
            continue
        kind = body_kind(line)
        prev = key(bodies[-1]) if bodies else ""
        continues = (
            not bodies
            or kind is None
            or (place_kind(line) is not None and _starts(key(line), BODY_KINDS) in (None, "tinh", "thanh"))
            or prev in BARE_KINDS
            or bool(_OPEN_END.search(prev))
        )
        if bodies and continues:
            bodies[-1] = f"{bodies[-1]} {line}"
        else:
            bodies.append(line)
    return bodies


def place_of(body: str) -> str | None:
    """The place a body's name ends with: `UBND TỈNH YÊN BÁI` -> `TỈNH YÊN BÁI`."""
    words = body.split()
    keys = [key(w) for w in words]
    field = _department(words[1:]) if keys[:1] in (["so"], ["bo"]) else None
    for i in range(1 + len(field) if field else 0, len(words)):  # `XÃ HỘI` of a department's field is no commune
        rest = " ".join(keys[i:])
        kind = place_kind(" ".join(words[i:]))
        if kind and len(rest) > len(kind) and not _starts(" ".join(keys[i + len(kind.split()) :]), ("uy", "doan")):
            return " ".join(words[i:])
    return None


def issuer_name(issuer: str, parent: str | None) -> str:
    """The issuing body's full name: an organ takes its parent's name, any other body its parent's place
    (`SỞ Y TẾ` under `UBND TỈNH YÊN BÁI` -> `Sở Y tế tỉnh Yên Bái`)."""
    if parent and place_of(issuer) is None:
        if _starts(key(issuer), ORGANS):
            issuer = f"{issuer} {parent}"
        elif (place := place_of(parent)) is not None:
            issuer = f"{issuer} {place}"
    return body_case(issuer)


def body_case(name: str, abbreviate: bool = True) -> str:
    """A body's name in normal case: `SỞ Y TẾ THÀNH PHỐ HẢI PHÒNG` -> `Sở Y tế thành phố Hải Phòng`.

    Decree 30 (Phụ lục II): the kind of the body and the first syllable of its own name are capitalised, a place
    is `tỉnh X`, `huyện Y` with X and Y capitalised (`Thành phố Hồ Chí Minh` in full), acronyms stay; `Ủy ban nhân
    dân` and `Hội đồng nhân dân` are written `UBND`, `HĐND` as in the gold protocol's names. A province misread by
    OCR (`YÊN BẢI`) is written as the gazetteer spells it. A name not in capitals keeps its case."""
    words = name.split()
    if any(c.islower() for c in name):
        return _abbreviate(" ".join(words)) if abbreviate else " ".join(words)
    out: list[str] = []
    capital_next = True
    i = 0
    while i < len(words):
        rest = key(" ".join(words[i:]))
        place = place_kind(" ".join(words[i:])) if i > 0 else None
        after = i + len(place.split()) if place else i
        if place and after < len(words) and not _starts(key(" ".join(words[after:])), ("uy", "doan")):
            out += _place_case(place, words[after:])
            break  # a place ends a body's name
        kind = _starts(rest, BODY_KINDS)
        if kind and (i == 0 or kind not in _SHORT_KINDS):
            n = len(kind.split())
            spelt = _kind_spelling(kind, words[i : i + n])
            out += [_word_case(w, j == 0 or (kind in _TWO_CAPITALS and j == 1)) for j, w in enumerate(spelt)]
            i += n
            capital_next = True
            field = _department(words[i:]) if kind in ("so", "bo") and i == n else None
            if field:  # a department's own spelling: `Sở Công Thương`, whose two words are both capitalised
                out += [_word_case(w, c) for w, c in zip(words[i : i + len(field)], field, strict=True)]
                i += len(field)
                capital_next = False
            continue
        out.append(_word_case(words[i], capital_next))
        # a department names its fields, each capitalised: `Sở Văn hóa, Thể thao và Du lịch`
        capital_next = key(words[0]) in ("so", "bo") and (words[i] in ("VÀ", "-", "–") or words[i].endswith(","))
        i += 1
    text = re.sub(r"(?i)\bviệt nam\b", "Việt Nam", " ".join(out))
    text = text[:1].upper() + text[1:]
    return _abbreviate(text) if abbreviate else text


# How a body's kind is spelt (Decree 30, Phụ lục II): in a header in capitals OCR often takes a mark for its neighbour
# (`BỌ CÔNG AN`, `BÔ CÔNG THƯƠNG`, `TỎ CÔNG TÁC`, `BAN CHÍ ĐẠO`), and these words have one spelling. Kinds whose
# toneless form is also another word an issuer may open with (`đài`/`Đại sứ quán`, `vụ`/`Vũ`, `hội`, `báo`, `quỹ`)
# are left as read.
_KIND_SPELLING = {
    "uy ban nhan dan": "ủy ban nhân dân", "hoi dong nhan dan": "hội đồng nhân dân",
    "uy ban mat tran": "ủy ban mặt trận", "uy ban": "ủy ban", "hoi dong": "hội đồng", "thu tuong": "thủ tướng",
    "chinh phu": "chính phủ", "quoc hoi": "quốc hội", "van phong": "văn phòng", "bo chi huy": "bộ chỉ huy",
    "bo tu lenh": "bộ tư lệnh", "bo": "bộ", "tong cuc": "tổng cục", "chi cuc": "chi cục", "cuc": "cục", "so": "sở",
    "ban thuong vu": "ban thường vụ", "ban chap hanh": "ban chấp hành", "ban chi dao": "ban chỉ đạo",
    "ban quan ly": "ban quản lý", "hoc vien": "học viện", "truong": "trường", "dai hoc": "đại học",
    "cong an": "công an", "to": "tổ", "phong": "phòng", "trung tam": "trung tâm", "hiep hoi": "hiệp hội",
    "lien doan": "liên đoàn", "thanh tra": "thanh tra", "kho bac": "kho bạc", "ngan hang": "ngân hàng",
    "benh vien": "bệnh viện", "tong cong ty": "tổng công ty", "cong ty": "công ty", "tinh uy": "tỉnh ủy",
    "thanh uy": "thành ủy", "huyen uy": "huyện ủy", "toa an": "tòa án", "vien kiem sat": "viện kiểm sát",
    "bao hiem xa hoi": "bảo hiểm xã hội",
}  # fmt: skip


def _kind_spelling(kind: str, words: list[str]) -> list[str]:
    """The words of a body's kind in capitals as the kind is spelt, when they are bare letters (else as read)."""
    spelt = _KIND_SPELLING.get(kind)
    if spelt is None or not all(w.isalpha() for w in words):
        return words
    return [w.upper() for w in spelt.split()]


# Short kinds that are ordinary words inside a name (`VỤ` in `BAN THƯỜNG VỤ`); matched only at a name's start.
_SHORT_KINDS = ("bo", "vu", "to", "dai", "bao", "quy", "hoi", "so", "ban", "doan", "phong", "vien", "truong", "cuc")
# Kinds whose second word begins the proper part of the name: `Ban Chỉ đạo`, `Bộ Chỉ huy`, `Ban Thường vụ`.
_TWO_CAPITALS = ("ban chi dao", "ban thuong vu", "ban chap hanh", "ban quan ly", "bo chi huy", "bo tu lenh")
_PLACE_SPELLING = {
    "thanh pho": "thành phố", "tp": "TP", "tinh": "tỉnh", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã",
    "thi tran": "thị trấn", "xa": "xã", "phuong": "phường", "dac khu": "đặc khu",
}  # fmt: skip


def _place_case(kind: str, words: list[str]) -> list[str]:
    """`TỈNH`, [`LÂM`, `ĐỎNG`] -> [`tỉnh`, `Lâm`, `Đồng`]: a province as the gazetteer spells it, any other place
    with each word capitalised."""
    names = province_names()
    k = key(" ".join(words))
    name = names.get(k) if len(words) <= 4 else None
    spelled = _PLACE_SPELLING[kind]
    if name == "Hồ Chí Minh" and kind == "thanh pho":
        spelled = "Thành phố"
    rest = name.split() if name else [w[:1] + w[1:].lower() for w in words]
    return [*spelled.split(), *rest]


def _department(words: list[str]) -> list[bool] | None:
    """Which words of a department's field are capitalised, when `words` begin with one that DEPARTMENTS spells."""
    rest = key(" ".join(words))
    for name in DEPARTMENTS:
        if rest == key(name) or rest.startswith(key(name) + " "):
            return [w[:1].isupper() for w in name.split()]
    return None


def _word_case(word: str, capital: bool) -> str:
    bare = word.strip(".,;:()")
    if len(bare) > 1 and bare.isupper() and not (bare.isalpha() and is_valid_syllable(bare)):
        return word  # an acronym or a code: `TW`, `BCĐ`, `BCĐ389`
    low = word.lower()
    return low[:1].upper() + low[1:] if capital else low


def _abbreviate(text: str) -> str:
    for long, short in ABBREVIATE:
        text = re.sub(_toneless_pattern(long), short, text, flags=re.IGNORECASE)
    return text


def _toneless_pattern(phrase: str) -> str:
    """A regex that matches a toneless phrase in text with any tone marks: `uy ban` ~ `Ủy ban`, `Uỷ Ban`."""
    letters = {"u": "[uúùủũụưứừửữự]", "y": "[yýỳỷỹỵ]", "a": "[aáàảãạăắằẳẵặâấầẩẫậ]", "o": "[oóòỏõọôốồổỗộơớờởỡợ]",
               "e": "[eéèẻẽẹêếềểễệ]", "i": "[iíìỉĩị]", "d": "[dđ]"}  # fmt: skip
    parts = ["".join(letters.get(c, re.escape(c)) for c in word) for word in phrase.split()]
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"
