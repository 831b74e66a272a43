"""The document itself: type, number, date, place, province, plan year, issuer, title, legal bases, signer, recipients.

Each value comes from the zone where Decree 30/2020/NĐ-CP puts it, with fall-backs that real documents need: a
plan received by another body carries its receiving stamp (`ĐẾN Số: 112`), not its own number, in the header, and
its own number may only appear in its appendix (`Kèm theo Kế hoạch số 07/KH-BCĐ ngày 20/01/2021`).
"""

from __future__ import annotations

import re

from pipeline import plan
from pipeline.plan import Evidence, FieldEvidence, HeaderField, Recipient, Reference, Signer
from pipeline.records import Document, Paragraph
from pipeline.stages.extract.evidence import field_source, source, union_box
from pipeline.stages.structure import AUTHORITY, DOC_TYPES, Layout, is_person_name, is_stamp
from pipeline.vi.gazetteer import find_province, restore_place_case
from pipeline.vi.text import DOC_NUMBER, clean_doc_number, key, make_date, parse_date, sentence_case, toneless

_NUMBER_LINE = re.compile(rf"\bso\s*[:.]?\s*(?P<num>{toneless(DOC_NUMBER)})", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"(?<![\w/-])(?P<place>[A-Z]\w*(?:\s+\w+){0,5}?)\s*,\s*ngay\s*(?P<d>\d{1,2})\s*thang\s*(?P<m>\d{1,2})\s*nam\s*(?P<y>(?:19|20)\d{2})",
)
REF_TYPES = (
    "Bộ luật", "Luật", "Nghị định", "Nghị quyết", "Quyết định", "Thông tư liên tịch", "Thông tư", "Chỉ thị",
    "Kế hoạch", "Công văn", "Hướng dẫn", "Chương trình", "Đề án", "Thông báo", "Văn bản", "Công điện",
)  # fmt: skip
_REF = re.compile(
    r"(?P<type>" + "|".join(toneless(t).lower() for t in REF_TYPES) + r")\s+(?:so\s*:?\s*)?"
    r"(?P<num>" + toneless(DOC_NUMBER) + r")"
    r"(?:\s*(?:,\s*)?ngay\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?"
    r"(?:\s+cua\s+(?P<issuer>[^;,.()]+?))?(?=\s+ve\b|\s+quy dinh\b|\s+ban hanh\b|\s*[;,.()]|\s*$)",
    re.IGNORECASE,
)
_ISSUER_CLAUSE = re.compile(
    r"(?:^|[;,.:]\s*)(?P<issuer>[^;,.:]{3,160}?)\s+(?:ban hanh|xay dung|trien khai|lap)\s+(?:ke hoach|quyet dinh|"
    r"chuong trinh|huong dan)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?:dien thoai|sđt|sdt|đt|dt|tel)\s*:?\s*(?P<phone>\(?\d[\d .()-]{7,16}\d)", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")
_SPAN_YEARS = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


def extract_metadata(doc: Document, lay: Layout) -> plan.Document:
    paras = doc.paragraphs
    sources: dict[HeaderField, FieldEvidence] = {}
    if lay.type_para is not None:
        sources["doc_type"] = field_source(paras[lay.type_para], 0, len(lay.doc_type or ""))
    appendix_refs = [ref for zone in lay.appendices for ref in appendix_reference(doc, zone)]

    number, number_src = own_number(doc, lay)
    own_type = lay.doc_type
    if number is None:
        ref = next((r for r in appendix_refs if r.doc_type == own_type or own_type is None), None)
        if ref:
            number, number_src = ref.number, _as_field(ref.source)
    if number_src:
        sources["number"] = number_src

    place, when, date_src = place_and_date(doc, lay)
    if when is None:
        ref = next((r for r in appendix_refs if r.number == number and r.date), None)
        if ref:
            when, date_src = ref.date, _as_field(ref.source)
    if date_src:
        sources["date"] = date_src

    title, title_src = title_of(doc, lay)
    if title_src:
        sources["title"] = title_src

    issuer, issuer_src = issuer_of(doc, lay, appendix_refs)
    if issuer_src:
        sources["issuer"] = issuer_src

    signer, signer_src = signer_of(doc, lay)
    if signer_src:
        sources["signer"] = signer_src
    legal_bases = [ref for i in lay.preamble for ref in references(paras[i])]
    cited = [b.number for b in legal_bases] + [ref.number for p in paras for ref in references(p)]
    return plan.Document(
        doc_type=lay.doc_type,
        number=number,
        date=when,
        place=place,
        province=next((p for p in (find_province(t) for t in (issuer or "", place or "", title or "")) if p), None),
        plan_year=plan_year(title, when),
        issuer=issuer,
        title=title,
        signer=signer,
        legal_bases=legal_bases,
        referenced_documents=[n for n in unique_numbers(cited) if n.upper() != (number or "").upper()],
        recipients=recipients_of(doc, lay),
        received_stamp=received_stamp(doc, lay),
        appendices=appendix_refs,
        sources=sources,
        **contacts(doc),
    )


def _as_field(ev: Evidence | None, certainty: float = 0.9) -> FieldEvidence | None:
    return FieldEvidence(**ev.model_dump(), confidence=certainty) if ev else None


def unique_numbers(numbers: list[str]) -> list[str]:
    """Document numbers in order of first mention, once each (`QĐ-TTG` and `QĐ-TTg` are one)."""
    seen: dict[str, str] = {}
    for n in numbers:
        seen.setdefault(n.upper(), n)
    return list(seen.values())


def own_number(doc: Document, lay: Layout) -> tuple[str | None, FieldEvidence | None]:
    """`Số: 33/KH-BCĐ` in the header, skipping a receiving stamp's number."""
    for i in lay.header or range(min(10, len(doc.paragraphs))):
        p = doc.paragraphs[i]
        if is_stamp(p.text):
            continue
        m = _NUMBER_LINE.search(toneless(p.text))
        if m:
            return clean_doc_number(p.text[m.start("num") : m.end("num")]), field_source(
                p, m.start("num"), m.end("num")
            )
    return None, None


def place_and_date(doc: Document, lay: Layout) -> tuple[str | None, str | None, FieldEvidence | None]:
    for i in lay.header or range(min(10, len(doc.paragraphs))):
        p = doc.paragraphs[i]
        if is_stamp(p.text):
            continue
        m = _PLACE_DATE.search(toneless(p.text))
        if m:
            day = make_date(int(m.group("d")), int(m.group("m")), int(m.group("y")))
            place = p.text[m.start("place") : m.end("place")].strip(" ,-")
            return place or None, day.isoformat() if day else None, field_source(p, m.start(), m.end())
    return None, None, None


def title_of(doc: Document, lay: Layout) -> tuple[str | None, FieldEvidence | None]:
    if not lay.title:
        return None, None
    parts: list[str] = []
    for i in lay.title:
        text = doc.paragraphs[i].text
        if i == lay.type_para:
            t = next(t for t in DOC_TYPES if key(text).startswith(t))
            text = text[len(t) :]
        parts.append(text.strip())
    title = " ".join(p for p in parts if p).strip()
    first = doc.paragraphs[lay.title[0]]
    # a title set on two or three lines is often two or three paragraphs: its box and raw text cover them all
    paras = [doc.paragraphs[i] for i in lay.title if doc.paragraphs[i].page == first.page]
    boxes = [b for b in (source(p).bbox for p in paras) if b]
    src = field_source(first)
    src = src.model_copy(update={"text": title, "raw_text": " ".join(p.raw.strip() for p in paras)})
    if boxes:
        src.bbox = union_box(boxes)
    return title or None, src


def plan_year(title: str | None, when: str | None) -> int | None:
    """The year the plan is for: the last `năm YYYY` of the title, the start of `2021-2025`, else the date's year."""
    if title:
        plain = toneless(title).lower()
        years = _YEAR.findall(plain)
        if years:
            return int(years[-1])
        span = _SPAN_YEARS.search(plain)
        if span:
            return int(span.group(1))
    return int(when[:4]) if when else None


def issuer_of(doc: Document, lay: Layout, appendix_refs: list[Reference]) -> tuple[str | None, FieldEvidence | None]:
    """The issuing body: the header's capitalised lines, else the preamble's `X ban hành Kế hoạch`, else `TM. X`."""
    header = [
        doc.paragraphs[i]
        for i in lay.header
        if not is_stamp(doc.paragraphs[i].text)
        and doc.paragraphs[i].text.isupper()
        and not re.search(r"cong hoa|doc lap|\bso\s*:", key(doc.paragraphs[i].text))
        and not (i + 1 < len(doc.paragraphs) and is_stamp(doc.paragraphs[i + 1].text))
    ]
    if header:
        p = header[-1]
        bold = [ln.text for ln in p.lines if ln.bold]
        # Decree 30: the issuer is printed in bold under its parent body, so the bold or the last line is the issuer.
        name = " ".join(bold) if bold and len(bold) < len(p.lines) else p.lines[-1].text
        return restore_place_case(sentence_case(name.strip())), field_source(p)
    for i in lay.preamble:
        p = doc.paragraphs[i]
        plain = toneless(p.text)
        matches = list(_ISSUER_CLAUSE.finditer(plain))
        if matches:
            m = matches[-1]
            s, e = m.start("issuer"), m.end("issuer")
            name = p.text[s:e].strip()
            if name[:1].isupper():
                return name, field_source(p, s, e, certainty=0.8)
    for i in lay.signature[:1]:
        p = doc.paragraphs[i]
        auth = AUTHORITY.match(p.text)
        if auth and auth.group(1) == "TM":
            return restore_place_case(sentence_case(auth.group(2).split("\n")[0].strip())), field_source(
                p, certainty=0.8
            )
    found = next((r for r in appendix_refs if r.issuer), None)
    return (found.issuer, _as_field(found.source, 0.8)) if found else (None, None)


def signer_of(doc: Document, lay: Layout) -> tuple[Signer, FieldEvidence | None]:
    """{name, title, authority} from the signature block; lines of one paragraph are kept apart."""
    if not lay.signature:
        return Signer(name=None, title=None, authority=None), None
    lines: list[str] = []
    for i in lay.signature:
        p = doc.paragraphs[i]
        lines.extend(split_caps_lines(p))
    authority = title = name = None
    m = AUTHORITY.match(lines[0]) if lines else None
    rest = lines[1:]
    if m:
        prefix, body = m.group(1), m.group(2).strip()
        head, _, tail = split_authority(body)
        authority = f"{prefix}. {sentence_case(head)}".strip()
        if tail:
            rest = [tail, *rest]
    caps = [ln for ln in rest if ln.isupper() and not is_person_name(ln)]
    names = [ln for ln in rest if is_person_name(ln)]
    title = sentence_case(" ".join(caps)) if caps else None
    name = names[-1].strip() if names else None
    first = doc.paragraphs[lay.signature[0]]
    return Signer(name=name, title=title, authority=authority), field_source(first)


def split_caps_lines(p: Paragraph) -> list[str]:
    """The lines of a signature paragraph (a PDF keeps them; a text file may have joined them)."""
    if len(p.lines) > 1 and p.lines[0].bbox is not None:
        return [ln.text.strip() for ln in p.lines]
    return [p.text.strip()]


_TITLE_START = re.compile(r"\s(?=(?:PHÓ|CHỦ TỊCH|TRƯỞNG|GIÁM ĐỐC|THỨ|BỘ TRƯỞNG|CHÁNH)\b)")


def split_authority(body: str) -> tuple[str, str, str]:
    """`BAN CHỈ ĐẠO PHÓ CHỦ TỊCH UBND TỈNH` -> (`BAN CHỈ ĐẠO`, ` `, `PHÓ CHỦ TỊCH UBND TỈNH`)."""
    m = _TITLE_START.search(body, 3)
    if not m:
        return body, "", ""
    return body[: m.start()], " ", body[m.end() :]


def references(p: Paragraph) -> list[Reference]:
    """Every cited document of a paragraph: type, number, date, issuer, with evidence."""
    plain = toneless(p.text)
    out: list[Reference] = []
    for m in _REF.finditer(plain.lower()):
        number = clean_doc_number(p.text[m.start("num") : m.end("num")])
        if "/" not in number and "-" not in number:
            continue
        kind = next(t for t in REF_TYPES if toneless(t).lower() == m.group("type"))
        when = parse_date(p.text[m.start("date") : m.end("date")]) if m.group("date") else None
        issuer = p.text[m.start("issuer") : m.end("issuer")].strip() if m.group("issuer") else None
        out.append(
            Reference(
                doc_type=kind,
                number=number,
                date=when.isoformat() if when else None,
                issuer=issuer,
                source=source(p, m.start(), m.end()),
            )
        )
    return out


def recipients_of(doc: Document, lay: Layout) -> list[Recipient]:
    out: list[Recipient] = []
    for i in lay.recipients[1:]:
        p = doc.paragraphs[i]
        text = p.text.strip().lstrip("-+•– ").rstrip(" ;.,")
        if key(text).startswith("luu"):  # the file copy closes the list; a drafter's code may follow it
            text = re.split(r"\.\s+", text, maxsplit=1)[0]
        if text:
            out.append(Recipient(name=text, source=source(p)))
    return out


def received_stamp(doc: Document, lay: Layout) -> plan.ReceivedStamp | None:
    for i in lay.header:
        p = doc.paragraphs[i]
        if is_stamp(p.text):
            m = re.search(r"so\s*[:.]*\s*\.*\s*(\d+)", key(p.text))
            when = parse_date(" ".join(doc.paragraphs[j].text for j in range(i, min(i + 2, len(doc.paragraphs)))))
            return plan.ReceivedStamp(
                number=m.group(1) if m else None, date=when.isoformat() if when else None, source=source(p)
            )
    return None


def contacts(doc: Document) -> dict[str, str | None]:
    phone = email = None
    for p in doc.paragraphs:
        plain = toneless(p.text)
        if phone is None and (found := _PHONE.search(plain)):
            phone = p.text[found.start("phone") : found.end("phone")].strip(" .")
        if email is None and (e := _EMAIL.search(p.text)):
            email = e.group().rstrip(".")
    return {"contact_phone": phone, "contact_email": email}


def appendix_reference(doc: Document, zone: list[int]) -> list[Reference]:
    """`(Kèm theo Kế hoạch số: 45/KH-UBND ngày 12/3/2024 của UBND tỉnh Quảng Trị)` and the appendix title."""
    out: list[Reference] = []
    title = " ".join(doc.paragraphs[i].text for i in zone if doc.paragraphs[i].text.isupper())
    for i in zone:
        p = doc.paragraphs[i]
        if not key(p.text).lstrip("( ").startswith("kem theo"):
            continue
        for ref in references(p):
            ref.appendix_title = title or None
            out.append(ref)
        break
    return out
