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
from pipeline.stages.extract.header_fields import (
    Field,
    date_field,
    issuer_field,
    line_confidence,
    number_field,
    span_source,
    title_field,
    type_field,
)
from pipeline.stages.header import Header, type_of
from pipeline.stages.header.signature import authority_text, post_text, read_signature
from pipeline.stages.structure import DOC_TYPES, Layout, is_stamp
from pipeline.vi.gazetteer import find_province, restore_place_case
from pipeline.vi.orgs import CENTRAL_KINDS, body_kind
from pipeline.vi.text import DOC_NUMBER, clean_doc_number, key, make_date, parse_date, sentence_case, toneless

# The header's own `Số:` line opens its paragraph; `… Nghị định số 59/2019/NĐ-CP` in a sentence is a citation.
_NUMBER_LINE = re.compile(rf"^\W*so\s*[:.]?\s*(?P<num>{toneless(DOC_NUMBER)})", re.IGNORECASE)
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
# An e-mail address is looked for around each `@`, within the lengths addresses have (RFC 5321: a local part of 64
# characters, a domain of 255): a pattern free to start anywhere would scan a long run of letters once per letter.
_EMAIL_LOCAL = re.compile(r"[\w.+-]{1,64}$")
_EMAIL_DOMAIN = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")
_SPAN_YEARS = re.compile(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b")


def extract_metadata(doc: Document, lay: Layout) -> plan.Document:
    return read_document(doc, lay)[0]


def read_document(doc: Document, lay: Layout) -> tuple[plan.Document, list[plan.PlanWarning]]:
    """The document's fields, each with its evidence and confidence in `sources`, and a warning naming each field
    left null because it could not be read (and one when the file holds more documents than the first)."""
    paras = doc.paragraphs
    head = own_header(lay)
    if head is not None:
        fields = header_fields(doc, lay, head)
    elif starts_a_document(lay):
        fields = legacy_fields(doc, lay)
    else:
        fields = unread_fields(doc, lay)
    last_para = lay.lines[head.end - 1].para if head and lay.lines else len(paras)
    own_zones = [zone for zone in lay.appendices if zone and zone[0] <= last_para]  # the first document's appendices
    appendix_refs = [ref for zone in own_zones for ref in appendix_reference(doc, zone)]
    _number_from_appendix(fields, appendix_refs)
    value = {name: f.value for name, f in fields.items()}
    legal_bases = [ref for i in lay.preamble for ref in references(paras[i])]
    cited = [b.number for b in legal_bases] + [ref.number for p in paras for ref in references(p)]
    number, title = value["number"], value["title"]
    document = plan.Document(
        doc_type=value["doc_type"],
        number=number,
        date=value["date"],
        place=value["place"],
        province=province_of(value["issuer"], value["issuer_parent"], value["place"], title),
        plan_year=plan_year(title, value["date"]),
        issuer=value["issuer"],
        issuer_parent=value["issuer_parent"],
        title=title,
        signer=value["signer"] or Signer(name=None, title=None, authority=None),
        legal_bases=legal_bases,
        referenced_documents=[n for n in unique_numbers(cited) if n.upper() != (number or "").upper()],
        recipients=recipients_of(doc, lay),
        received_stamp=received_stamp(doc, lay),
        appendices=appendix_refs,
        sources={name: f.source for name, f in fields.items() if f.source and f.value is not None},
        **contacts(doc),
    )
    warnings = [
        plan.PlanWarning(code=f.warning[0], message=f.warning[1], page=f.page or _zone_page(name, head))
        for name, f in fields.items()
        if f.warning
    ]
    return document, warnings + bundle_warnings(lay) + draft_warnings(head)


def _zone_page(name: str, head: Header | None) -> int | None:
    """The page a header field's warning concerns when the field has none of its own: the header's, where it was
    looked for (none for the signer, looked for at the end; none for text input, which has no pages)."""
    if name == "signer" or head is None or not head.motto or head.motto[0].bbox is None:
        return None
    return head.motto[0].page


def province_of(issuer: str | None, parent: str | None, place: str | None, title: str | None) -> str | None:
    """The province of the issuing body: named in its name or its parent's; none for a central body (a ministry,
    the Government, a national association), whose place line names only the capital; else the place's."""
    for name in (issuer, parent):
        found = find_province(name or "")
        if found:
            return found
    top = parent or issuer
    if top and (body_kind(top) in CENTRAL_KINDS or re.search(r"(?i)(việt nam|trung ương|\bTW)$", top.strip())):
        return None
    return find_province(place or "") or (find_province(title or "") if issuer is None else None)


def own_header(lay: Layout) -> Header | None:
    """The header of the file's own (first) document: it opens the file. A motto found first on a later page is a
    later document's (page 1 was not read, or holds no header): its fields are not this file's."""
    head = lay.headers[0] if lay.headers and lay.headers[0].motto else None
    if head is None or (head.motto[0].bbox is not None and head.motto[0].page > 2):
        return None
    return head


def starts_a_document(lay: Layout) -> bool:
    """Whether the first page reads as a document's start without a motto (a `Số:` line, a date line, a type
    heading): a copy printed without its motto. A first page of e-signature overlays only, or none, is not one;
    nor is a file whose first motto is on a later page (its first document's header was not read)."""
    first = lay.lines[0].page if lay.lines else 1
    if any(hl.kind == "motto" for hl in lay.lines):
        return False
    return any(hl.kind in ("number", "place_date") or type_of(hl.text) for hl in lay.lines if hl.page == first)


def unread_fields(doc: Document, lay: Layout) -> dict[HeaderField, Field]:
    """A PDF whose first page gave no header (no national motto read): every header field null with a warning,
    rather than a number or a name taken from the body; the signer from the last signature block."""
    message = "the header was not found on the first page (no national motto read)"
    fields: dict[HeaderField, Field] = {
        name: Field(warning=(f"no_{name}", message)) for name in ("doc_type", "number", "date", "issuer", "title")
    }
    fields |= {"place": Field(), "issuer_parent": Field()}
    end = Header(start=0, end=len(lay.lines))
    fields["signer"] = signer_field(doc, lay, end)
    return fields


def header_fields(doc: Document, lay: Layout, head: Header) -> dict[HeaderField, Field]:
    """Every header field read from the first document's header and signature block (stages/header)."""
    number = number_field(doc, head, head.doc_type)
    doc_type = type_field(doc, head, number.value)
    if number.value is None and number.warning and number.warning[0] == "number_unreadable" and doc_type.value:
        number = number_field(doc, head, doc_type.value)
    if number.value is None and head.number is None:
        number = consolidated_number(doc, lay, head, number)
    date, place = date_field(doc, head)
    issuer, parent = issuer_field(doc, head)
    return {
        "doc_type": doc_type, "number": number, "date": date, "place": place, "issuer": issuer,
        "issuer_parent": parent, "title": title_field(doc, head, doc_type.value),
        "signer": signer_field(doc, lay, head),
    }  # fmt: skip


def consolidated_number(doc: Document, lay: Layout, head: Header, missing: Field) -> Field:
    """A consolidated text (văn bản hợp nhất) may carry its `Số: …/VBHN-…` only by the authentication at its end."""
    ends = [hl for hl in lay.lines[head.start : head.end] if hl.kind == "number" and "VBHN" in hl.text.upper()]
    if not ends:
        return missing
    found = number_field(doc, Header(start=head.start, end=head.end, number=ends[-1]), "Văn bản hợp nhất")
    return found if found.value else missing


def signer_field(doc: Document, lay: Layout, head: Header) -> Field:
    """The signer from the first document's signature block; its name null with a warning when unreadable."""
    width = doc.raw.page_sizes[0][0] if doc.raw.page_sizes else 595.0
    sig = read_signature(lay.lines[head.start : head.end], width)
    value = Signer(name=sig.name, title=post_text(sig), authority=authority_text(sig))
    evidence = [*sig.authority, *sig.posts, *([sig.name_line] if sig.name_line else [])]
    if not evidence:
        return Field(value, warning=("no_signer", "the signature block was not found"))
    field = Field(value, span_source(doc, evidence, line_confidence(evidence)))
    field.page = evidence[0].page if evidence[0].bbox is not None else None
    if sig.name is None:
        field.warning = ("signer_unreadable", "the signer's name could not be read in the signature block")
    return field


def legacy_fields(doc: Document, lay: Layout) -> dict[HeaderField, Field]:
    """Fields of a text without the header Decree 30 lays out (no national motto): read from the paragraphs."""
    number, number_src = own_number(doc, lay)
    place, when, date_src = place_and_date(doc, lay)
    title, title_src = title_of(doc, lay)
    issuer, issuer_src = issuer_of(doc, lay, [])
    at = lay.type_para
    type_src = field_source(doc.paragraphs[at], 0, len(lay.doc_type or "")) if at is not None else None
    return {
        "doc_type": Field(lay.doc_type, type_src),
        "number": Field(number, number_src, None if number else ("no_number", "the number was not found")),
        "date": Field(when, date_src, None if when else ("no_date", "the date was not found")),
        "place": Field(place, date_src),
        "issuer": Field(issuer, issuer_src),
        "issuer_parent": Field(),
        "title": Field(title, title_src, None if title else ("no_title", "the title was not found")),
        "signer": signer_field(doc, lay, Header(start=0, end=len(lay.lines))),
    }


def _number_from_appendix(fields: dict[HeaderField, Field], refs: list[Reference]) -> None:
    """An appendix's `(Kèm theo Kế hoạch số 07/KH-BCĐ ngày 20/01/2021)` gives a number or date the header lacks,
    when it names a document of this one's type."""
    own_type = fields["doc_type"].value
    if fields["number"].value is None and own_type is not None:
        ref = next((r for r in refs if r.doc_type == own_type), None)
        if ref:
            fields["number"] = Field(ref.number, _as_field(ref.source, 0.8))
    if fields["date"].value is None:
        ref = next((r for r in refs if r.number == fields["number"].value and r.date), None)
        if ref:
            fields["date"] = Field(ref.date, _as_field(ref.source, 0.8))


def draft_warnings(head: Header | None) -> list[plan.PlanWarning]:
    """A `DỰ THẢO` mark in the header: the document read is a draft, not the document as issued."""
    marks = [hl for hl in (head.marks if head else []) if key(hl.text).startswith("du thao")]
    if not marks:
        return []
    return [plan.PlanWarning(code="draft", message="the header is marked DỰ THẢO: a draft", page=marks[0].page)]


def bundle_warnings(lay: Layout) -> list[plan.PlanWarning]:
    """A file that holds more documents than its first (a Tờ trình and the draft it submits) says so."""
    others = [h for h in lay.headers[1:] if h.number is not None or h.place_date is not None]
    if not others:
        return []
    pages = sorted({h.motto[0].page for h in others if h.motto})
    message = (
        f"the file holds {len(others) + 1} documents; the header is the first one's, the others begin on "
        f"page(s) {', '.join(map(str, pages))}"
    )
    return [plan.PlanWarning(code="bundle", message=message, page=pages[0] if pages else None)]


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
    found = next((r for r in appendix_refs if r.issuer), None)
    return (found.issuer, _as_field(found.source, 0.8)) if found else (None, None)


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
        if email is None:
            email = find_email(p.text)
    return {"contact_phone": phone, "contact_email": email}


def find_email(text: str) -> str | None:
    """The first e-mail address in a text, found from its `@`, in time proportional to the text."""
    at = text.find("@")
    while at >= 0:
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if local and domain:
            return f"{local.group()}@{domain.group()}".rstrip(".")
        at = text.find("@", at + 1)
    return None


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
