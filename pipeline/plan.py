"""The plan model: what vnplan outputs, as typed records. It is the one output contract.

Extractors build these objects; `schemas/plan.schema.json` is generated from them (`python -m pipeline.plan`), the
export's columns are read from them, and the tools (audit, review, export, eval) read a result back through
`Plan.model_validate_json`. Every model is closed: a field the model does not name fails validation, so a renamed
field can never slip through as an empty column.

Pydantic rather than dataclasses: the JSON Schema, the validation of results read back, and the closedness
(`extra="forbid"`) all come from one declaration, with the descriptions beside the fields.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["2.0.0"] = "2.0.0"
SCHEMA_ID = f"https://vnplan.example/schemas/plan/{SCHEMA_VERSION}/plan.schema.json"

IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO 8601 date.")]
PartialDate = Annotated[
    str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="ISO date at the precision written: day or month.")
]
Confidence = Annotated[
    float,
    Field(
        ge=0,
        le=1,
        description="How sure the extraction is: the rule's own certainty, times the mean OCR word confidence of the "
        "evidence on OCR'd pages.",
    ),
]
BBox = Annotated[
    list[float],
    Field(min_length=4, max_length=4, description="x0, y0, x1, y1 in PDF points from the page's top-left corner."),
]
Page = Annotated[int, Field(ge=1, description="1-based page number.")]
Number = Annotated[int | float, Field(description="A number; whole numbers are written without a fraction.")]


class Model(BaseModel):
    """Base of every output record: closed to unknown fields, every field written even when empty."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Evidence(Model):
    """Where an item was read: its page, its box and its text, corrected and as read."""

    page: Page
    bbox: BBox | None = Field(description="Box of the evidence; null for text input.")
    text: str = Field(description="The evidence, corrected.")
    raw_text: str = Field(description="The evidence as read.")


class FieldEvidence(Evidence):
    """Evidence of one header field, with how sure vnplan is of the value."""

    confidence: Confidence


OcrReason = Literal["no_text_layer", "overlay_only", "text_layer_unusable", "ocr_always"]


class OcrPage(Model):
    """A page read by OCR, and why."""

    page: Page
    reason: OcrReason = Field(
        description="no_text_layer (the page has no text), overlay_only (its only text is a box drawn over the scan, "
        "such as an e-signature), text_layer_unusable (its text layer is not its text: mangled letters, fonts without "
        "a Unicode map, glyphs drawn as outlines), or ocr_always (`--ocr always`)."
    )


class Overlay(Model):
    """Text drawn over a scanned page that is not the document's (an e-signature box `Ký bởi: … Thời gian ký: …`, a
    `SAO Y` copy line, the Official Gazette's stamp): metadata of the copy, never read as its header."""

    page: Page
    bbox: BBox | None
    text: str


class Source(Model):
    """The input file."""

    file: str = Field(description="File name of the input (no directories).")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the input's bytes.")
    pages: int = Field(ge=1, description="Page count (1 for text input).")
    ocr_pages: list[Page] = Field(description="Pages read by OCR.")
    ocr_reasons: list[OcrPage] = Field(default_factory=list, description="Why each page of `ocr_pages` was OCR'd.")
    overlays: list[Overlay] = Field(
        default_factory=list, description="Text drawn over the scanned pages, kept apart from the document's text."
    )
    input_kind: Literal["pdf", "text", "docx", "doc"] = Field(
        description="pdf, text (.txt/.md), docx (Word 2007 and later) or doc (older Word, read through antiword)."
    )
    page_sizes: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, description="Width and height of each page in points."
    )


class Reference(Model):
    """A document cited (`Quyết định số 103/QĐ-BCĐQG ngày 12/11/2020 của …`)."""

    doc_type: str = Field(description="Its type, e.g. `Quyết định`.")
    number: str = Field(description="Its number and symbol, e.g. `103/QĐ-BCĐQG`.")
    date: IsoDate | None = Field(description="Its date, when the citation gives it.")
    issuer: str | None = Field(description="Its issuer, when the citation names it (`của …`).")
    appendix_title: str | None = Field(default=None, description="For an appendix's `Kèm theo …` line: its title.")
    source: Evidence | None = None


class Signer(Model):
    name: str | None = Field(description="The signer's name as printed.")
    title: str | None = Field(description="Signer's post, e.g. `Phó Chủ tịch UBND tỉnh`.")
    authority: str | None = Field(description="Signing authority, e.g. `TM. Ban Chỉ đạo`, `KT. Chủ tịch`.")


class Recipient(Model):
    name: str
    source: Evidence


class ReceivedStamp(Model):
    """A receiving body's stamp (`ĐẾN Số: 112 Ngày: …`) on the copy read: never the document's own number."""

    number: str | None
    date: IsoDate | None
    source: Evidence | None = None


HeaderField = Literal[
    "doc_type",
    "number",
    "date",
    "place",
    "province",
    "plan_year",
    "issuer",
    "issuer_parent",
    "title",
    "signer",
    "recipients",
]


class Document(Model):
    """The document itself, from the zones Decree 30/2020/NĐ-CP sets for it."""

    doc_type: str | None = Field(description="Document type in sentence case, e.g. `Kế hoạch`.")
    number: str | None = Field(
        description="Own number and symbol, e.g. `33/KH-BCĐ` (never a receiving stamp's or a cited document's)."
    )
    date: IsoDate | None = Field(description="Date of issue.")
    place: str | None = Field(description="Place of the place-and-date line, e.g. `Lào Cai`.")
    province: str | None = Field(
        description="Province (or centrally-run city) of the issuing body, from the gazetteer (63 old and 34 new "
        "units); null for central bodies."
    )
    plan_year: int | None = Field(
        ge=1945, le=2100, description="The year the plan is for (title's `năm YYYY`, else the date's year)."
    )
    issuer: str | None = Field(
        description="Issuing body: the lowest body of the header's issuer column, with its parent's place "
        "(`Sở Y tế tỉnh Yên Bái`); `UBND`/`HĐND` abbreviated."
    )
    issuer_parent: str | None = Field(
        default=None,
        description="The issuer's direct parent body, printed above it in the header (`UBND tỉnh Yên Bái`).",
    )
    title: str | None = Field(description="Trích yếu: the title after the document type.")
    signer: Signer
    legal_bases: list[Reference] = Field(description="Documents cited in the preamble (`Căn cứ`, `Thực hiện`).")
    referenced_documents: list[str] = Field(
        default_factory=list, description="Numbers of every document cited anywhere, in order of first mention."
    )
    recipients: list[Recipient] = Field(
        description="The `Nơi nhận` list, one entry per item (the file copy `Lưu: …` included)."
    )
    received_stamp: ReceivedStamp | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    appendices: list[Reference] = Field(
        default_factory=list, description="Appendices' `Kèm theo …` references (with `appendix_title`)."
    )
    sources: dict[HeaderField, FieldEvidence] = Field(
        default_factory=dict, description="Evidence of each header field found, by field name, with its confidence."
    )


Topic = Literal["purpose", "requirements", "targets", "tasks", "budget", "implementation", "other"]


class Section(Model):
    number: str = Field(description="As printed: `II`, `2`, `2.1`, `a`.")
    heading: str = Field(description="Heading text (empty when the numbered item is a paragraph).")
    level: int = Field(ge=1, description="Depth in the tree, 1 = top.")
    topic: Topic = Field(description="What the section is about, from its heading (inherited by sub-sections).")
    text: str = Field(description="Corrected text of the section's own paragraphs (children excluded).")
    page: Page
    paragraphs: list[int] = Field(description="Ids in `paragraphs`.")
    children: list[Section]


class Paragraph(Model):
    id: int = Field(ge=0)
    page: Page
    bbox: BBox | None
    text: str = Field(description="Corrected text.")
    raw_text: str = Field(description="The text as read: the raw text is never lost.")
    ocr_confidence: float | None = Field(ge=0, le=1, description="Mean OCR word confidence; null for a text layer.")


Comparator = Literal[">=", ">", "<=", "<", "~", "="]


class Target(Model):
    """A number the plan sets as something to reach. `text` is the sentence it stands in (over 400 characters: the
    clause around the number)."""

    value: Number = Field(
        description="The number, Vietnamese notation read (`6.000` = 6000, `97,5` = 97.5, `02` = 2, `hai` = 2)."
    )
    unit: str | None = Field(description="`%` or the counted noun, lower case (`đơn vị máu`, `người`, `đợt`…).")
    comparator: Comparator = Field(
        description="`>=` for trở lên/ít nhất/tối thiểu, `>` for trên, `~` for khoảng, `<=` for tối đa/không quá, "
        "`=` otherwise."
    )
    subject: str | None = Field(
        default=None,
        description="Who or what the target applies to, as written before the verb (`toàn tỉnh`, a list of "
        "bodies); for a campaign's share of the plan, the campaign's heading.",
    )
    subjects: list[str] = Field(default_factory=list, description="`subject` split into the bodies it lists.")
    metric: str | None = Field(
        default=None, description="What is counted, in the plan's words (`tỷ lệ người hiến máu nhắc lại`)."
    )
    period: str | None = Field(default=None, description="The period the target is for (`năm 2021`, `hè 2021`).")
    kind: Literal["goal", "quota", "share_of_plan"] = Field(
        default="goal",
        description="goal: for the whole plan; quota: assigned to a named body or per event; share_of_plan: a "
        "campaign's share of the yearly plan.",
    )
    per: str | None = Field(
        default=None, description="The unit a rate is per: `300 đơn vị máu/Ngày hội` -> `Ngày hội`."
    )
    section: str = Field(default="", description="Headings of the sections the target stands in, outermost first.")
    text: str
    source: Evidence
    confidence: Confidence


EventKind = Literal[
    "day", "week", "month", "festival", "campaign", "programme", "collection_drive", "conference", "training",
    "contest", "theme", "holiday", "movement", "meeting", "inspection", "phase", "deadline", "period", "event",
]  # fmt: skip
"""day, week, month, festival, holiday: a named day or season; campaign, programme, collection_drive, contest,
theme, movement (`phong trào`, `cuộc vận động`): a named drive; conference, meeting, training, inspection: a
gathering or a check; phase: a numbered phase (`Đợt 01`); deadline: a task due by a date (`trước ngày …`); period:
a task set for a period (a month, a quarter, a range); event: anything else."""


class EventTarget(Model):
    """An event's own target (`Mục tiêu: Đạt 35% kế hoạch năm 2021`), as text."""

    text: str


class Event(Model):
    name: str
    kind: EventKind = Field(
        default="event",
        description="What sort of event it is: day, week, month, festival, holiday (a named day or season); "
        "campaign, programme, collection_drive, contest, theme, movement (a named drive); conference, meeting, "
        "training, inspection; phase (`Đợt 01`); deadline (a task due by a date); period (a task set for a month, "
        "quarter or range); event (anything else).",
    )
    date_start: PartialDate | None = None
    date_end: PartialDate | None = None
    period_text: str | None = Field(
        default=None, description="The words that gave the dates (`Quý II năm 2021`, `Từ tháng 5/2021 đến …`)."
    )
    organizers: list[str] = Field(default_factory=list)
    location: str | None = None
    target: EventTarget | None = None
    text: str
    source: Evidence
    confidence: Confidence


class Task(Model):
    text: str
    source: Evidence


class Body(Model):
    name: str
    canonical_name: str = Field(
        description="The name with abbreviations expanded (`UBND` -> `Ủy ban nhân dân`, `Đài PT-TH` -> "
        "`Đài Phát thanh - Truyền hình`)."
    )
    role: Literal["lead", "support", "member", "assigned"] = Field(
        description="lead: chủ trì; support: phối hợp; member: a member body of the steering committee; assigned: "
        "tasks given without either word."
    )
    tasks: list[Task] = Field(description="The items assigned to the body, each with its evidence.")
    deadline: str | None = Field(
        default=None, description="A deadline its tasks state (`trước ngày 30/6/2021`, `trong quý II`)."
    )
    source: Evidence
    confidence: Confidence


class QuotaRow(Model):
    no: int | None = Field(description="The row's number (TT); null for a group row that has its own quota.")
    group: str | None = Field(default=None, description="The group row above (`I  Đại học …`).")
    unit: str = Field(description="The allocated unit's name.")
    quota: Number
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=list, description="Months planned, when the table has such a column."
    )
    other: dict[str, str] = Field(default_factory=dict, description="Any other column, by heading.")
    source: Evidence
    confidence: Confidence


class QuotaTable(Model):
    title: str | None = Field(default=None, description="The appendix title above the table.")
    columns: list[str] = Field(description="Column headings as printed.")
    quota_column_year: int | None = Field(
        default=None, description="The year the quota column's heading names (`Chỉ tiêu … năm 2021`)."
    )
    rows: list[QuotaRow]
    total_stated: Number | None = Field(description="The table's own total row (`TỔNG SỐ`).")
    total_computed: Number | None = Field(
        description="The sum of the rows' quotas; a warning `quota_total_mismatch` says when the two differ."
    )
    pages: list[Page] = Field(default_factory=list)
    source: Evidence
    confidence: Confidence


TableKind = Literal["tasks", "indicators", "coordinates", "codes", "procedures", "members", "other"]


class DataTable(Model):
    """A table that is not a quota table (a table of tasks, indicators, coordinates, codes, procedures or members),
    kept with its rows as read."""

    kind: TableKind = Field(
        description="tasks (lead, partners, deadline columns), indicators (a unit-of-measure column), coordinates, "
        "codes, procedures (administrative procedures), members (names and posts), other."
    )
    title: str | None = Field(default=None, description="The appendix title above the table.")
    columns: list[str] = Field(description="The first row's cells.")
    rows: list[list[str]] = Field(description="The other rows' cells, as read (corrected).")
    pages: list[Page] = Field(default_factory=list)
    source: Evidence


class Budget(Model):
    sources: list[str] = Field(description="Funding sources named (`ngân sách nhà nước`, `xã hội hóa`…).")
    responsible: list[str] = Field(
        default_factory=list, description="Bodies that must draw up, propose or approve the budget."
    )
    text: str
    source: Evidence


class Correction(Model):
    """One change made to the raw text: in a paragraph (offsets into its raw_text) or in a table cell."""

    original: str
    corrected: str
    rule: str = Field(description="The rule that made it, with its version (`tone.hoa_oa.v1`).")
    page: Page
    paragraph: int | None = Field(default=None, description="Id of the paragraph; null for a table cell.")
    table: int | None = Field(default=None, description="Index of the table, for a table cell.")
    row: int | None = None
    col: int | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class PlanWarning(Model):
    """A non-fatal problem worth a reader's attention (`code` is stable, `message` is for people)."""

    code: str
    message: str
    page: Page | None = None


class Plan(Model):
    """A Vietnamese administrative document, read: the document's header, its facts with their evidence, every
    paragraph raw and corrected, and the corrections made."""

    model_config = ConfigDict(title="vnplan result")

    schema_version: Literal["2.0.0"] = Field(
        default=SCHEMA_VERSION, description="Version of this schema; bumped on any change of meaning."
    )
    pipeline_version: str = Field(description="vnplan version that wrote the file.")
    source: Source
    document: Document
    sections: list[Section] = Field(default_factory=list, description="Numbered sections as a tree.")
    paragraphs: list[Paragraph] = Field(
        default_factory=list, description="Every paragraph in reading order, corrected and raw."
    )
    targets: list[Target] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    responsible_bodies: list[Body] = Field(default_factory=list)
    quota_tables: list[QuotaTable] = Field(default_factory=list)
    tables: list[DataTable] = Field(
        default_factory=list, description="Tables that are not quota tables (tasks, indicators, coordinates…)."
    )
    budget: Budget | None = None
    corrections: list[Correction] = Field(default_factory=list)
    warnings: list[PlanWarning] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    """The plan's JSON Schema (2020-12), as written to schemas/plan.schema.json."""
    schema = Plan.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":  # python -m pipeline.plan > schemas/plan.schema.json
    print(schema_text(), end="")
