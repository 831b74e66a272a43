"""Names of bodies in running text: lists split into names, and what makes a phrase a body's name.

A body's name starts with a body noun (`Sở`, `Ban`, `Ủy ban`, `Công an`, `Bộ Chỉ huy`, `Đài`, `Báo`, `Hội`,
`Liên đoàn`, `Trung tâm`, `Bệnh viện`, `Tòa án`…), with the title of the person who heads it (`Giám đốc Công an
tỉnh`, `Chủ tịch UBND cấp huyện`, `Thủ trưởng các sở, ban, ngành`), or with `các` and a collective noun (`các sở,
ban, ngành`, `các đơn vị, địa phương`). It ends where the task begins: at the first verb, a colon, a bracket or a
role word (`chủ trì`, `phối hợp`). A list (`Công an tỉnh, Liên đoàn Lao động tỉnh và Tỉnh đoàn`) is split where a
new body noun starts; a list of departments under one noun (`Các Sở: Tài chính, Xây dựng, Văn hóa, Thể thao và Du
lịch`) gives each department its full name.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from pipeline.vi.text import key

LEADING = re.compile(r"^(?:đề nghị|giao cho|giao|yêu cầu|lãnh đạo|đối với|riêng)\s*:?\s+", re.IGNORECASE)
_ROLE_TAIL = re.compile(r"\s+[-–]\s+(?=[Cc]ơ quan|[Đđ]ơn vị|[Tt]hường trực)")
PAREN = re.compile(r"\s*\([^)]*\)")
BULLET = re.compile(r"^\s*[-+•–—~*]\s*")  # `—` and `~`: OCR's readings of a dash
_RULE = re.compile(r"^\s*\|\s*|\s*\|\s*$")  # a table's rule read by OCR as `|` at either end of a part
NOT_BODIES = (
    "bao cao", "hoi nghi", "hoi thao", "hoi thi", "phong trao", "ban hanh", "cac hoat dong", "cac su kien",
    "ban do", "hoi vien", "truong hop",
)  # fmt: skip
# What makes a capitalised phrase a body's name (compared with marks: `Báo Lâm Đồng` is a newspaper, `Bảo Lâm` a
# district).
ORG_HEADS = (
    "ban", "báo", "đài", "cổng", "sở", "trường", "bệnh viện", "trung tâm", "hội", "hiệp hội", "công an", "liên đoàn",
    "liên minh", "tỉnh đoàn", "thành đoàn", "huyện đoàn", "đoàn", "viện", "viện kiểm sát", "tòa án", "toà án",
    "ubnd", "ủy ban", "uỷ ban", "hđnd", "hội đồng", "phân hiệu", "bộ", "bộ chỉ huy", "bộ tư lệnh", "văn phòng", "cục",
    "chi cục", "chỉ cục", "tổng cục", "phòng", "khoa", "mặt trận", "quỹ", "công ty", "tổng công ty", "ngân hàng",
    "kho bạc",
    "cơ quan", "đại học", "học viện", "bảo hiểm", "bưu điện", "viễn thông", "thanh tra", "kiểm toán", "thuế",
    "thông tấn xã", "cảng vụ", "tổ công tác", "tổ giúp việc", "tổ kiểm tra", "tổ kiểm kê", "lãnh đạo", "thường trực",
    "câu lạc bộ", "clb", "bch", "bcđ", "ubmttq", "lđlđ", "chủ đầu tư", "chủ dự án", "người đứng đầu", "lực lượng",
)  # fmt: skip
# (`chỉ cục`: OCR's common reading of `chi cục`, which is no Vietnamese word.)
# Titles of the people who head bodies: `Giám đốc Sở Y tế` is assigned a task as the head of that body.
TITLES = (
    "giám đốc", "phó giám đốc", "chủ tịch", "thủ trưởng", "trưởng ban", "trưởng", "viện trưởng", "chánh án",
    "cục trưởng", "chi cục trưởng", "chánh thanh tra", "chánh văn phòng", "tổng giám đốc", "bộ trưởng",
    "chỉ huy trưởng",
)  # fmt: skip
# After `các`, the collective nouns that name bodies (`các sở, ban, ngành`), not things (`các hoạt động`).
COLLECTIVE = (
    "sở", "ban", "ngành", "bộ", "cơ quan", "đơn vị", "địa phương", "tổ chức", "hội", "đoàn thể", "doanh nghiệp",
    "chủ đầu tư", "lực lượng", "thành viên", "xã", "phường", "huyện", "tỉnh", "trường", "cơ sở", "ủy ban", "ubnd",
    "phòng", "trung tâm", "hiệp hội", "công ty", "ngân hàng", "bệnh viện", "đài", "báo", "cấp", "nhà trường",
    "hợp tác xã", "chi nhánh", "cục", "chi cục", "khoa", "viện", "tập đoàn",
)  # fmt: skip
# Departments of a province (and ministries of the government) named in a list under one noun: `Các Sở: Tài chính,
# Xây dựng, …`. Decree 45/2025/NĐ-CP and its predecessors name them; longest first, so that `Văn hóa, Thể thao và
# Du lịch` is one department, not three.
DEPARTMENTS = sorted(
    (
        "Tài chính", "Xây dựng", "Nông nghiệp và Môi trường", "Công Thương", "Khoa học và Công nghệ",
        "Văn hóa, Thể thao và Du lịch", "Văn hoá, Thể thao và Du lịch", "Giáo dục và Đào tạo", "Y tế", "Nội vụ",
        "Tư pháp", "Dân tộc và Tôn giáo", "Ngoại vụ", "Kế hoạch và Đầu tư", "Thông tin và Truyền thông",
        "Giao thông vận tải", "Tài nguyên và Môi trường", "Lao động - Thương binh và Xã hội",
        "Lao động – Thương binh và Xã hội", "Nông nghiệp và Phát triển nông thôn", "Du lịch", "Văn hóa và Thể thao",
        "Quy hoạch - Kiến trúc", "Công an", "Quốc phòng", "Ngoại giao",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
# Verbs (and role words) that end a body's name and begin its task. Case-sensitive: a capitalised `Chỉ đạo` is part
# of a name (`Ban Chỉ đạo`), not a verb.
TASK_VERB = re.compile(
    r"\s(?:chủ trì|phối hợp|chủ động|tham mưu|triển khai|tổ chức|thực hiện|xây dựng|hướng dẫn|chỉ đạo|theo dõi|"
    r"kiểm tra|đôn đốc|tăng cường|đẩy mạnh|rà soát|tuyên truyền|bố trí|bảo đảm|đảm bảo|có trách nhiệm|"
    r"chịu trách nhiệm|căn cứ|theo chức năng|cung cấp|tổng hợp|báo cáo|nghiên cứu|đề xuất|quản lý|duy trì|giám sát|"
    r"ban hành|hỗ trợ|thẩm định|tiếp nhận|vận động|lồng ghép|quan tâm|nắm|khẩn trương|tiếp tục|thường xuyên|là|"
    r"được giao|cử|huy động|phát động|trong phạm vi|theo phạm vi|trên cơ sở|có kế hoạch|kịp thời|phân công|"
    r"hoàn thành|sớm|cần|phải|nghiêm túc|tập trung|sắp xếp|phổ biến|lập|làm|tham gia|tiến hành|chuẩn bị|ưu tiên|"
    r"bổ sung|cập nhật|gửi|trình|đánh giá|thành lập|kiện toàn|điều chỉnh|vận hành|tiếp|giải quyết|xử lý|"
    r"phấn đấu|tạo điều kiện|cân đối|đăng|dành|mở|thông báo|công bố|khảo sát|phụ trách|giúp|theo|đã|sẽ|đang|"
    r"với|về|trong|để|nhằm|khi|nâng cao|xem xét|phê duyệt|họp|trực tiếp|bám sát|"
    # what a body does that is no task (received a letter, a courtesy, a right): they end its name all the same
    r"nhận được|kính|trân trọng|mời|có quyền|"
    # `Chủ tịch UBND tỉnh giao Công an tỉnh …`: the one who assigns (`giao thông` is no verb: a name follows `giao`)
    r"giao(?=\s+(?:cho\s+)?(?:[A-ZĐ]|các\s))|đưa|nêu cao|chấp hành|"
    r"tự(?=\s+(?:kiểm tra|đánh giá|rà soát|chịu|tổ chức|xây dựng|bố trí)\b)|"
    # a role word opens the task even capitalised, on the line after a heading (`1. Sở Y tế` / `Chủ trì, …`):
    # no body's name holds it
    r"Chủ trì|Phối hợp(?! liên)|Có trách nhiệm|Chịu trách nhiệm|Chỉ đạo)(?=[\s,.;:]|$)"
)
# (a generic noun with only `có liên quan`/`khác` after it shares them with the collective before it: `các cơ quan,
# tổ chức có liên quan` is one group)
_GENERIC = re.compile(r"^(?:cơ quan|đơn vị|lực lượng|tổ chức)\s+(?!(?:có\s+)?liên quan$|khác$)\S", re.IGNORECASE)
# `tổ chức` as the noun in a list of bodies (`các cơ quan, tổ chức có liên quan`, `tổ chức, cá nhân`), not the verb
_NOUN_TO_CHUC = re.compile(
    r"\stổ chức(?=\s*,\s*(?:cá nhân|doanh nghiệp|hiệp hội|đơn vị|cơ quan|hội)\b|\s+(?:có liên quan|liên quan)\b|"
    r"\s+và\s+(?:các\s+)?(?:cá nhân|doanh nghiệp|hiệp hội|đơn vị|cơ quan|công dân)\b)"
)
# Verbs no body noun forms a name with: they end even a committee's name or a bare noun (`Hội đồng có trách nhiệm
# …`, `Trường tiến hành …`), where `Đoàn kiểm tra`, `Ban Chỉ đạo`, `Ban tổ chức` are names
_DUTY = re.compile(r"\s(?:(?:có|chịu) trách nhiệm|tiến hành|chủ động|khẩn trương|tiếp tục|phải|cần)\b")
# A sentence's end after a word in lower case (not `TP.`): a name never runs on past it (`UBND tỉnh. Theo báo cáo …`)
_SENTENCE_END = re.compile(r"(?<=[a-zà-ỹđ])\.(?=\s+[A-ZĐÀ-Ỹ])")
_NOUN_PAIRS = (["chuong", "trinh"], ["viec", "lam"])  # `Chương trình`, `việc làm`: a noun whose second word is a verb
# A field label of a task, not a body: `Cơ quan chủ trì`, `Đơn vị phối hợp`, `Cơ quan thực hiện` (the bodies follow
# its colon); and a name ending in the passive `được` (`Các cơ quan được phân công chủ trì …`) describes bodies
_LABEL_NAME = re.compile(
    r"^(?:các\s+)?(?:cơ quan|đơn vị)\s+(?:(?:chủ trì|phối hợp)(?:\s+thực hiện)?|thực hiện)$|\sđược$"
)
_LIST_SPLIT = re.compile(r"(,\s+|;\s+|\s+và\s+(?=[A-ZĐÂ-Ỹ]|các\s|cơ quan|đơn vị))")
_HEAD_OF_LIST = re.compile(r"^(?P<head>[Cc]ác\s+[Ss]ở|[Ss]ở|[Cc]ác\s+[Bb]ộ|[Bb]ộ)\s*:\s*(?P<rest>.+)$")
# `Ủy ban nhân dân các xã: Gia Thuận, Tân Điền` -> `Ủy ban nhân dân xã Gia Thuận`, `Ủy ban nhân dân xã Tân Điền`
_LOCAL_LIST = re.compile(
    r"^(?P<head>(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+)(?:các\s+)?(?P<level>xã|phường|huyện|thị xã|thành phố|tỉnh)"
    r"\s*:\s*(?P<rest>.+)$",
    re.IGNORECASE,
)


# Body nouns of two syllables or more (`ngân hàng`, `ủy ban`): one in lower case after `Đề nghị`/`Giao` is still the
# body addressed; a one-syllable one is not (`giao ban` is a meeting).
_COMPOUND_HEADS = tuple(h for h in ORG_HEADS if " " in h)
_COLLECTIVE_END = re.compile(r"\b(?:các|những)\s+(?:đơn vị|cơ quan|tổ chức|doanh nghiệp|cơ sở|hộ)\s*$", re.IGNORECASE)


def split_parts(subject: str) -> list[tuple[str, str]]:
    """(separator before, part) for each part of a list: `A, B và C` -> ('', A), (', ', B), (' và ', C)."""
    pieces = _LIST_SPLIT.split(subject)
    out = [("", pieces[0].strip())]
    out += [(pieces[i], pieces[i + 1].strip()) for i in range(1, len(pieces) - 1, 2)]
    return [(sep, part) for sep, part in out if part]


def split_list(subject: str) -> list[str]:
    """`Công an tỉnh, Liên đoàn Lao động tỉnh, Tỉnh đoàn` -> three names; a lower-case tail (`các huyện, thị xã`)
    is part of the name before it."""
    merged: list[str] = []
    for sep, part in split_parts(subject):
        if merged and not part[:1].isupper() and not part.startswith("các "):
            merged[-1] = f"{merged[-1]}{sep}{part}"
        else:
            merged.append(part)
    return merged


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, str]:
    text = (resources.files("pipeline") / "data" / "abbreviations.json").read_text("utf-8")
    data: dict[str, str] = json.loads(text)["expansions"]
    return data


def canonical(name: str) -> str:
    """Abbreviations expanded: `Đài PT-TH tỉnh` -> `Đài Phát thanh - Truyền hình tỉnh`."""
    table = abbreviations()
    words = [table.get(w.strip(",;"), w) for w in name.split()]
    return " ".join(words)


def _starts(low: str, heads: tuple[str, ...]) -> str | None:
    return next((h for h in _all_starts(low, heads)), None)


def _all_starts(low: str, heads: tuple[str, ...]) -> list[str]:
    """The heads a phrase starts with (as whole words), longest first."""
    return [
        h for h in sorted(heads, key=len, reverse=True) if low.startswith(h) and not low[len(h) : len(h) + 1].isalnum()
    ]


def is_body_name(name: str) -> bool:
    """A phrase headed by a body noun (`Sở …`, `Báo …`, `UBND …`), by the title of a body's head (`Giám đốc Công an
    tỉnh`) or by `các` and a collective noun (`các sở, ban, ngành`)."""
    if key(name).startswith(NOT_BODIES):
        return False
    low = " ".join(name.lower().split())
    if _LABEL_NAME.search(low):
        return False
    if low.startswith("các "):
        return _starts(low[4:], COLLECTIVE) is not None
    for title in _all_starts(low, TITLES):
        rest = low[len(title) :].strip()
        if rest and (_starts(rest, ORG_HEADS) is not None or rest.startswith("các ")):
            return True
        if title == "chánh thanh tra" and rest.split()[:1] in (["tỉnh"], ["huyện"], ["thành"], ["bộ"], ["sở"]):
            return True  # `Chánh Thanh tra tỉnh`: the head of the inspectorate, named with its level
    if re.match(r"^[Bb]ộ\s+[a-zđà-ỹ]", name) and _starts(low, ORG_HEADS) == "bộ":
        return False  # `Bộ chỉ số`, `bộ hồ sơ`: a set of things; a ministry is `Bộ` and a capitalised name
    if re.match(r"^ngành\s+(?!(?:Tỉnh|Thành phố|Trung ương|Huyện|Xã)\b)[A-ZĐÂ-Ỹ]", name):  # not `ngành Tỉnh`: a level
        return True  # `ngành Thuế`, `ngành Y tế`: a sector named by its capitalised field
    return name[:1].isupper() and _starts(low, ORG_HEADS) is not None


def is_post(text: str) -> bool:
    """A post on its own (`PHÓ GIÁM ĐỐC`, `Chủ tịch`): the title of a body's head, with nothing after it but
    `thường trực`."""
    low = " ".join(text.lower().split())
    low = low[4:] if low.startswith("phó ") else low
    low = low[:-12].strip() if low.endswith(" thường trực") else low
    return low in TITLES or low in ("trưởng đoàn", "trưởng phòng", "chánh văn phòng", "hiệu trưởng")


def clean_name(text: str) -> str:
    text = BULLET.sub("", _RULE.sub("", text)).strip().rstrip(":.;,")
    text = LEADING.sub("", text)
    text = PAREN.sub("", text)
    text = _ROLE_TAIL.split(text)[0]
    text = re.sub(r"(?:[\s,;]+(?:và|hoặc|các))+\s*$", "", text.strip())  # a list cut before its last name
    return text.strip().rstrip(":.;,").strip()


def _departments(head: str, rest: str) -> list[str]:
    """`Các Sở: Tài chính, Xây dựng, Văn hóa, Thể thao và Du lịch` -> `Sở Tài chính`, `Sở Xây dựng`, …"""
    noun = "Sở" if key(head).endswith("so") else "Bộ"
    out: list[str] = []
    rest = rest.strip().rstrip(".;")
    while rest:
        rest = re.sub(r"^(?:,|và|;)\s*", "", rest.strip()).strip()
        if not rest:
            break
        known = next(
            (d for d in DEPARTMENTS if key(rest).startswith(key(d)) and not rest[len(d) :][:1].isalnum()), None
        )
        part = known or re.split(r",\s*|\s+và\s+", rest, maxsplit=1)[0]
        out.append(f"{noun} {rest[: len(part)].strip()}")
        rest = rest[len(part) :]
    return out


# `UBND tỉnh Điện Biên, Nghệ An và Tây Ninh`: one level, several places, so one committee each.
_PLACE_LIST = re.compile(
    r"^(?P<head>(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\s+)"
    r"(?P<rest>[A-ZĐÂ-Ỹ].+)$"
)
_PLACE = re.compile(r"^[A-ZĐÂ-Ỹ][^\s,]*(?:\s+[A-ZĐÂ-Ỹ][^\s,]*){0,3}$")


def _places(text: str) -> list[str] | None:
    """Each committee of a list of places under one level, or None when the text is no such list."""
    m = _PLACE_LIST.match(text)
    if not m:
        return None
    places = [p.strip() for p in re.split(r",\s*|\s+và\s+", m.group("rest")) if p.strip()]
    if len(places) < 2 or not all(_PLACE.match(p) and not is_body_name(p) for p in places):
        return None
    return [f"{m.group('head')}{p}" for p in places]


def _of_kinds(name: str) -> bool:
    """A collective of kinds, all in lower case (`các bộ`, `các sở, ban, ngành`), not of named bodies."""
    return name.lower().startswith("các ") and name[1:] == name[1:].lower()


def names_in(text: str) -> list[str]:
    """The bodies a list names; a part that is no body's name (`Mường Khương` in `… các huyện Si Ma Cai, Mường
    Khương`) belongs to the name before it."""
    listed = _HEAD_OF_LIST.match(clean_name(text))
    if listed:
        return _departments(listed.group("head"), listed.group("rest"))
    local = _LOCAL_LIST.match(clean_name(text))
    if local:
        places = [p.strip() for p in re.split(r",\s*|\s+và\s+", local.group("rest")) if p.strip()]
        return [f"{local.group('head')}{local.group('level')} {p}" for p in places]
    committees = _places(clean_name(text))
    if committees:
        return committees
    names: list[str] = []
    for sep, raw in split_parts(clean_name(text)):
        part = clean_name(raw)
        if not part:
            continue
        # `Sở Y tế và UBND các huyện`: two bodies; `Sở Giáo dục và Đào tạo`: one; `…, cơ quan thông tấn báo chí`: in
        # a list, one more; but after a collective of kinds (`các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ`) a
        # kind is one more kind of the same collective
        generic = bool(names) and _GENERIC.match(part) is not None and not _of_kinds(names[-1])
        if is_body_name(part) or generic:
            names.append(part)
        elif names:
            names[-1] = f"{names[-1]}{sep}{part}"
    return [n[:1].upper() + n[1:] for n in names]


def subject_names(text: str) -> tuple[list[str], int]:
    """The bodies named at the start of a clause, before its first verb or colon, and where the rest (their task)
    begins; ([], 0) when the clause does not open with a body's name. A steering committee is named for what it
    steers (`Ban Chỉ đạo vận động …`), so its name goes on past a verb until a verb follows a full name."""
    body = BULLET.sub("", text)
    offset = len(text) - len(body)
    stripped = LEADING.sub("", body)
    if stripped != body and stripped[:1].islower() and _lower_head(stripped):
        stripped = stripped[:1].upper() + stripped[1:]  # `Đề nghị ngân hàng nhà nước …`: the one addressed
    offset += len(body) - len(stripped)
    if not is_body_name(stripped.split(":")[0].split("(")[0].strip() or stripped):
        return [], 0
    masked = " " + PAREN.sub(lambda p: " " * len(p.group()), stripped)
    stop = len(stripped)
    listed = _HEAD_OF_LIST.match(stripped) or _LOCAL_LIST.match(stripped)  # `Các Sở: Tài chính, …` goes on
    listed = re.match(r"^[^:]*:", stripped) if listed else None
    colon = masked.find(":", listed.end() + 1 if listed else 0)
    candidates = [m.start() for m in TASK_VERB.finditer(masked)] + ([colon - 1] if colon > 0 else [])
    candidates += [m.start() - 1 for m in _SENTENCE_END.finditer(masked)]
    for at in sorted(candidates):
        head = stripped[:at]
        named_for_work = key(head).rstrip().endswith(("chi dao", " ban", " to", "hoi dong"))
        if named_for_work and colon - 1 != at and not _DUTY.match(masked, at):
            continue
        if re.findall(r"\w+", key(head))[-1:] + re.findall(r"\w+", key(masked[at : at + 8]))[:1] in _NOUN_PAIRS:
            continue  # `Chương trình`, `Dịch vụ việc làm`: nouns, not the verbs `trình`, `làm`
        if _NOUN_TO_CHUC.match(masked, at):
            continue
        if re.search(r"\b(?:các|những|mọi)\s*$", head):
            continue  # `các tổ chức chính trị - xã hội`: after a determiner the word is a noun, not the verb
        if colon - 1 > at and colon - at < 90 and ";" not in masked[at:colon] and _COLLECTIVE_END.search(head):
            continue  # `các đơn vị cung cấp dịch vụ viễn thông trên địa bàn: …`: a relative clause up to the colon
        if head.strip().lower() in ORG_HEADS and not _DUTY.match(masked, at):
            continue  # `Đoàn kiểm tra`, `Tổ công tác`: a bare body noun is named by the word after it
        stop = at
        break
    names = [n for n in names_in(stripped[:stop]) if not _LABEL_NAME.search(n.lower())]
    if stop == colon - 1 and len(names) == 1 and names[0].lower().startswith("các "):
        listed_after = _listed_after_colon(stripped, colon)  # `Các cơ quan, đơn vị: Công an tỉnh, …, tổ chức …`
        if listed_after:
            return listed_after[0], offset + listed_after[1]
    return names, offset + stop


def _lower_head(text: str) -> bool:
    """Whether a clause after `giao`/`đề nghị` opens with a body's kind written in lower case: a compound one
    (`ngân hàng nhà nước …`), or one word before a capitalised name (`giao phòng Quản lý Công nghiệp …`)."""
    if _starts(text.lower(), _COMPOUND_HEADS):
        return True
    words = text.split(maxsplit=2)
    return len(words) > 2 and words[0] in ORG_HEADS and words[1][:1].isupper()


def _listed_after_colon(text: str, colon: int) -> tuple[list[str], int] | None:
    """The bodies a generic collective introduces after its colon, when a verb follows them."""
    rest = text[colon:]
    m = TASK_VERB.search(" " + PAREN.sub(lambda p: " " * len(p.group()), rest))
    if m is None or ";" in rest[: m.start()]:
        return None
    names = names_in(rest[: m.start() - 1])
    return (names, colon + m.start() - 1) if names and all(is_body_name(n) for n in names) else None
