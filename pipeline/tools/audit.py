"""Audit: does a plan state what a requirements profile asks, and does it agree with itself?

Audits read vnplan results (never PDFs) and validate them against the plan schema first. A requirement is `stated`
(with the item that satisfies it: value, page, quoted text), `unclear` (its words are there, without a number) or
`missing`. Consistency checks need no profile: quota rows against the stated total and the plan's own target, years
in headings and the preamble against the plan year, event dates outside the plan year, campaign shares of the
yearly plan over 100%, a number or date that does not parse, bodies given targets but not named in `Tổ chức thực
hiện`, and targets with no subject.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from pipeline.errors import ProfileError
from pipeline.plan import Body, Event, Plan, Section, Target
from pipeline.tools.results import doc_id
from pipeline.vi.names import is_body_name
from pipeline.vi.text import DOC_NUMBER_RE, format_number, key


@dataclass
class Finding:
    requirement: str
    title: str
    status: str  # stated | unclear | missing | ok | inconsistent | info
    mandatory: bool = False
    value: Any = None
    page: int | None = None
    quote: str | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class PlanAudit:
    file: str
    document: dict[str, Any]
    profiles: list[str]
    requirements: list[Finding] = field(default_factory=list)
    consistency: list[Finding] = field(default_factory=list)
    doc_id: str = ""  # the document's id, as in the export's tables (results.doc_id)

    def missing_mandatory(self) -> list[Finding]:
        return [f for f in self.requirements if f.mandatory and f.status == "missing"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "document": self.document,
            "profiles": self.profiles,
            "requirements": [f.as_dict() for f in self.requirements],
            "consistency": [f.as_dict() for f in self.consistency],
        }


# ---- profiles ------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _profile_validator() -> Draft202012Validator:
    schema = json.loads((resources.files("pipeline") / "schemas" / "profile.schema.json").read_text("utf-8"))
    return Draft202012Validator(schema)


def builtin_profiles() -> dict[str, Path]:
    folder = resources.files("pipeline") / "profiles"
    return {Path(p.name).stem: Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml"))}


MAX_PROFILE_BYTES = 256 * 1024  # the shipped profiles are 2-4 kB
MAX_PROFILE_NODES = 20_000  # values, counted with every alias expanded (a billion laughs is refused, not built)
MAX_PROFILE_DEPTH = 20  # nesting of mappings and lists; a profile needs 6


class _BoundedLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no type hints here
    """YAML's safe loader with bounds: nesting depth, and the size of the document once aliases are expanded."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_PROFILE_DEPTH:
                raise ProfileError(f"nested more than {MAX_PROFILE_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_document(self, node: Any) -> Any:
        if _expanded_size(node, {}) > MAX_PROFILE_NODES:
            raise ProfileError(f"expands to more than {MAX_PROFILE_NODES:,} values (aliases counted each time used)")
        return super().construct_document(node)


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """How many values a node stands for with its aliases expanded; linear in the nodes, whatever it expands to."""
    if id(node) not in memo:
        memo[id(node)] = 0  # a node that contains itself is counted once
        children = node.value if isinstance(node.value, list) else []
        parts = [c for item in children for c in (item if isinstance(item, tuple) else (item,))]
        memo[id(node)] = min(1 + sum(_expanded_size(c, memo) for c in parts), MAX_PROFILE_NODES + 1)
    return memo[id(node)]


def load_profile(name_or_path: str) -> dict[str, Any]:
    """A shipped profile by name (`plan-basics`, `blood-donation`) or a YAML file by path, validated. Anything
    wrong with it (too large, not UTF-8, not YAML, too deep, too many aliases, not the schema) is `bad_profile`."""
    path = Path(name_or_path)
    if not path.is_file():
        shipped = builtin_profiles()
        if name_or_path not in shipped:
            raise ProfileError(f"no profile {name_or_path!r}: give a YAML file or one of {', '.join(sorted(shipped))}")
        path = shipped[name_or_path]
    data = _read_yaml(path)
    errors = sorted(_profile_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise ProfileError(f"{path}: [{first.json_path}] {first.message[:300]}")
    profile: dict[str, Any] = data
    return profile


def _read_yaml(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_PROFILE_BYTES + 1)
    except OSError as e:
        raise ProfileError(f"{path}: cannot be read ({e.strerror})") from e
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{path}: larger than {MAX_PROFILE_BYTES // 1024} kB; a profile is a few kB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProfileError(f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8") from e
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader, with bounds
    except ProfileError as e:
        raise ProfileError(f"{path}: {e.message}") from e
    except yaml.YAMLError as e:
        raise ProfileError(f"{path}: not valid YAML ({e})") from e
    except (RecursionError, ValueError, TypeError) as e:  # ValueError: a date or number YAML cannot build
        raise ProfileError(f"{path}: not a usable YAML document ({type(e).__name__})") from e


# ---- requirements --------------------------------------------------------------------------------------------------


def _get(plan: Plan, dotted: str) -> Any:
    """The value at a dotted path of the result (`document.legal_bases`); None where the path leads nowhere."""
    value: Any = plan
    for part in dotted.split("."):  # a record's own fields only: never a method or attribute of the class
        value = getattr(value, part) if isinstance(value, BaseModel) and part in type(value).model_fields else None
    return value


def _evidence_of(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, list) and value:
        value = value[0]
    source = getattr(value, "source", None)
    return (source.page, source.text) if source is not None and hasattr(source, "page") else (None, None)


def check_field(plan: Plan, req: dict[str, Any], path: str) -> Finding:
    value = _get(plan, path)
    base = Finding(req["id"], req["title"], "missing", req["mandatory"])
    if value in (None, "", [], {}) or (isinstance(value, BaseModel) and not any(value.model_dump().values())):
        return base
    page, quote = _evidence_of(value)
    if page is None and path.startswith("document."):
        src = plan.document.sources.get(path.split(".")[1])  # type: ignore[call-overload]
        page, quote = (src.page, src.text) if src else (None, None)
    if isinstance(value, list):
        shown: Any = f"{len(value)} item(s)"
    elif isinstance(value, BaseModel):
        shown = "present"
    else:
        shown = value
    return Finding(req["id"], req["title"], "stated", req["mandatory"], shown, page, quote)


def all_sections(sections: list[Section]) -> list[Section]:
    return [s for sec in sections for s in [sec, *all_sections(sec.children)]]


def check_section(plan: Plan, req: dict[str, Any], topic: str) -> Finding:
    found = next((s for s in all_sections(plan.sections) if s.topic == topic), None)
    if found is None:
        return Finding(req["id"], req["title"], "missing", req["mandatory"])
    return Finding(
        req["id"],
        req["title"],
        "stated",
        req["mandatory"],
        found.heading or found.number,
        found.page,
        found.heading or found.text[:200],
    )


def _mentions(text: str, words: list[str]) -> bool:
    k = key(text)
    return any(key(w) in k for w in words)


def check_target(plan: Plan, req: dict[str, Any], spec: dict[str, Any]) -> Finding:
    words, units = spec["metric_words"], [key(u) for u in spec.get("units", [])]
    in_targets = spec.get("where", "any") == "targets"
    candidates = [
        t
        for t in sorted(plan.targets, key=lambda t: -t.confidence)
        if not (units and key(t.unit or "") not in units)
        and not (in_targets and not re.search(r"muc tieu|chi tieu", key(t.section)))
    ]
    # the target's own metric first; its sentence, which may hold several targets, only after
    ordered = [t for t in candidates if _mentions(f"{t.metric or ''} {t.unit or ''}", words)]
    ordered += [t for t in candidates if t not in ordered and _mentions(t.text, words)]
    for t in ordered:
        shown = f"{t.comparator if t.comparator != '=' else ''}{t.value} {t.unit or ''}".strip()
        return Finding(req["id"], req["title"], "stated", req["mandatory"], shown, t.source.page, t.source.text)
    for p in plan.paragraphs:
        if _mentions(p.text, words):
            return Finding(
                req["id"], req["title"], "unclear", req["mandatory"], None, p.page, p.text[:300],
                "mentioned without a number",
            )  # fmt: skip
    return Finding(req["id"], req["title"], "missing", req["mandatory"])


def check_requirement(plan: Plan, req: dict[str, Any]) -> Finding:
    check = req["check"]
    if "field" in check:
        return check_field(plan, req, check["field"])
    if "section" in check:
        return check_section(plan, req, check["section"])
    return check_target(plan, req, check["target"])


# ---- consistency ---------------------------------------------------------------------------------------------------

_YEAR = re.compile(r"\b(?:năm|NĂM)\s+((?:19|20)\d{2})\b")
_RESULTS_OF = re.compile(r"kết quả[^.;]{0,80}?năm\s+((?:19|20)\d{2})", re.IGNORECASE)


def check_consistency(plan: Plan) -> list[Finding]:
    out: list[Finding] = []
    doc = plan.document
    year = doc.plan_year
    out += _quota_findings(plan, year)
    if year:
        out += _year_findings(plan, year)
        out += _event_date_findings(plan, year)
    shares = [t for t in plan.targets if t.kind == "share_of_plan"]
    if shares:
        total = sum(t.value for t in shares)
        status = "inconsistent" if total > 100 else "ok"
        out.append(
            Finding(
                "campaign_shares",
                "Campaign shares of the yearly plan",
                status,
                value=total,
                page=shares[0].source.page,
                quote="; ".join(t.text for t in shares)[:300],
                message=f"campaign shares add up to {total}% of the yearly plan",
            )
        )
    number, date = doc.number, doc.date
    if not number or not DOC_NUMBER_RE.fullmatch(number):
        out.append(
            Finding(
                "number_parses",
                "Document number",
                "inconsistent",
                value=number,
                message="the document number is missing or is not of the form 33/KH-BCĐ",
            )
        )
    if not date:
        out.append(Finding("date_parses", "Date of issue", "inconsistent", message="the date of issue was not found"))
    out += _body_findings(plan)
    unique: dict[tuple[str, str, int | None], Finding] = {}
    for f in out:  # two targets of one sentence give the same finding once
        unique.setdefault((f.requirement, str(f.value), f.page), f)
    return list(unique.values())


def _quota_findings(plan: Plan, year: int | None) -> list[Finding]:
    out: list[Finding] = []
    for table in plan.quota_tables:
        stated, computed = table.total_stated, table.total_computed or 0
        page, quote = table.source.page, table.source.text
        if stated is not None:
            same = abs(stated - computed) < 1e-6
            out.append(
                Finding(
                    "quota_total",
                    "Quota rows against the stated total",
                    "ok" if same else "inconsistent",
                    value=computed,
                    page=page,
                    quote=quote,
                    message=f"quota rows add up to {format_number(computed)}; the table states {format_number(stated)}",
                )
            )
        plan_total = next((t for t in plan.targets if t.kind == "goal" and abs(t.value - computed) < 1e-6), None)
        if plan_total is not None:
            out.append(
                Finding(
                    "quota_target",
                    "Quota rows against the plan's own target",
                    "ok",
                    value=computed,
                    page=plan_total.source.page,
                    quote=plan_total.text,
                    message=f"the rows' total equals the plan's target of {format_number(plan_total.value)} "
                    f"{plan_total.unit or ''}".rstrip(),
                )
            )
        title_years = [int(y) for y in _YEAR.findall(table.title or "")]
        for y in title_years:
            if year and y != year:
                out.append(
                    Finding(
                        "table_year",
                        "Year in the quota table's heading",
                        "inconsistent",
                        value=y,
                        page=page,
                        quote=table.title,
                        message=f"the table's heading says {y}; the plan is for {year}",
                    )
                )
    return out


def _year_findings(plan: Plan, year: int) -> list[Finding]:
    out: list[Finding] = []
    for s in all_sections(plan.sections):
        for y in (int(v) for v in _YEAR.findall(s.heading)):
            if y not in (year, year - 1, year + 1):
                out.append(
                    Finding(
                        "heading_year",
                        "Year in a heading",
                        "inconsistent",
                        value=y,
                        page=s.page,
                        quote=s.heading,
                        message=f"a heading names {y}; the plan is for {year}",
                    )
                )
    for p in plan.paragraphs:
        for m in _RESULTS_OF.finditer(p.text):
            y = int(m.group(1))
            if y >= year:
                out.append(
                    Finding(
                        "basis_year",
                        "Year of the results the plan builds on",
                        "inconsistent",
                        value=y,
                        page=p.page,
                        quote=m.group(0),
                        message=f"the plan for {year} builds on the results of {y}; "
                        f"those of {year - 1} are probably meant",
                    )
                )
    return out


def _on(item: Target | Event | Body, requirement: str, title: str, status: str, value: Any, message: str) -> Finding:
    """A finding about one extracted item, quoting the item's evidence."""
    quote = item.source.text if isinstance(item, Body) else item.text
    return Finding(requirement, title, status, value=value, page=item.source.page, quote=quote[:300],
                   message=message)  # fmt: skip


def _event_date_findings(plan: Plan, year: int) -> list[Finding]:
    out = []
    for e in plan.events:
        for d in (e.date_start, e.date_end):
            if d and int(d[:4]) not in (year,):
                message = f"{e.name}: {d} is outside {year}"
                out.append(_on(e, "event_date", "Event date outside the plan year", "inconsistent", d, message))
                break
    return out


def _body_findings(plan: Plan) -> list[Finding]:
    out = []
    named = {key(b.name) for b in plan.responsible_bodies} | {key(b.canonical_name) for b in plan.responsible_bodies}
    for t in plan.targets:
        if t.subject is None and t.kind == "quota":
            message = "a quota that names no one to meet it"
            out.append(_on(t, "target_subject", "Target without a subject", "info", t.value, message))
        if t.kind == "share_of_plan":
            continue  # its subject is a campaign, not a body
        for s in t.subjects:
            k = key(s)
            if is_body_name(s) and not any(k in n or n in k for n in named):
                title = "Body given a target but not named in Tổ chức thực hiện"
                message = f"{s} is given a target but no task in Tổ chức thực hiện"
                out.append(_on(t, "target_body", title, "info", s, message))
    return out


# ---- the audit -----------------------------------------------------------------------------------------------------


def audit(plan: Plan, profiles: list[dict[str, Any]], file: str = "") -> PlanAudit:
    doc = plan.document
    summary = {k: getattr(doc, k) for k in ("number", "date", "province", "plan_year", "title", "issuer")}
    out = PlanAudit(file=file, document=summary, profiles=[p["id"] for p in profiles], doc_id=doc_id(plan))
    for profile in profiles:
        for req in profile["requirements"]:
            finding = check_requirement(plan, req)
            finding.requirement = f"{profile['id']}.{req['id']}"
            out.requirements.append(finding)
    out.consistency = check_consistency(plan)
    return out
