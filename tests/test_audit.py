"""vnplan audit: requirement profiles, consistency checks and reports, on the samples and on edited results."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.errors import ProfileError
from pipeline.plan import Plan
from pipeline.tools.audit import PlanAudit, load_profile
from pipeline.tools.audit import audit as audit_plan
from pipeline.tools.cli import app

from .conftest import SAMPLES, extracted
from .hostile import LAUGHS

LAO_CAI = SAMPLES / "000_475196faf128e58a.layer.pdf"
THAI_NGUYEN = SAMPLES / "001_3e86aff22814d78e.txt"
PROFILES = [load_profile("plan-basics"), load_profile("blood-donation")]
runner = CliRunner()


def audit(result: dict[str, Any], profiles: list[dict[str, Any]]) -> PlanAudit:
    """Audit a result given as JSON (perhaps edited), read through the plan model as `vnplan audit` reads files."""
    return audit_plan(Plan.model_validate(result), profiles)


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {f.requirement: f.status for f in audit(result, PROFILES).requirements}


def test_both_plans_against_both_profiles() -> None:
    lc, tn = statuses(extracted(LAO_CAI)), statuses(extracted(THAI_NGUYEN))
    assert lc["blood-donation.units_collected"] == tn["blood-donation.units_collected"] == "stated"
    assert all(s == "stated" for r, s in lc.items() if r.startswith("plan-basics."))
    assert tn["plan-basics.budget"] == "missing"  # the Thái Nguyên plan has no Kinh phí section
    assert lc["blood-donation.repeat_donors"] == "stated" and tn["blood-donation.repeat_donors"] == "unclear"


def test_stated_findings_quote_their_evidence_with_a_page() -> None:
    for path in (LAO_CAI, THAI_NGUYEN):
        for f in audit(extracted(path), PROFILES).requirements:
            if f.status in ("stated", "unclear"):
                assert f.page and f.quote, f.requirement
    found = audit(extracted(LAO_CAI), PROFILES).requirements
    units = next(f for f in found if f.requirement == "blood-donation.units_collected")
    assert units.value == ">=6000 đơn vị máu" and "6.000 đơn vị máu" in units.quote


def test_thai_nguyen_inconsistencies() -> None:
    found = {(f.requirement, f.status): f for f in audit(extracted(THAI_NGUYEN), PROFILES).consistency}
    table = found[("table_year", "inconsistent")]
    assert table.value == 2020 and "NĂM 2020" in table.quote and table.page == 1
    basis = found[("basis_year", "inconsistent")]
    assert basis.value == 2021 and "kết quả phong trào hiến máu tình nguyện năm 2021" in basis.quote
    total = found[("quota_total", "ok")]
    assert total.value == 24500 and "24.500" in total.message
    assert ("quota_target", "ok") in found  # and they equal the plan's own target
    assert found[("campaign_shares", "ok")].value == 65


def _no_topic(topic: str) -> Callable[[dict[str, Any]], None]:
    def edit(r: dict[str, Any]) -> None:
        def walk(sections: list[dict[str, Any]]) -> None:
            for s in sections:
                if s.get("topic") == topic:
                    s["topic"] = "other"
                walk(s["children"])

        walk(r["sections"])

    return edit


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(r: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = r
        for p in parents:
            node = node[p]
        node[last] = value

    return edit


REMOVALS: dict[str, Callable[[dict[str, Any]], None]] = {
    "plan-basics.number": _set("document.number", None),
    "plan-basics.place_date": _set("document.date", None),
    "plan-basics.issuer": _set("document.issuer", None),
    "plan-basics.title": _set("document.title", None),
    "plan-basics.legal_basis": _set("document.legal_bases", []),
    "plan-basics.purpose": _no_topic("purpose"),
    "plan-basics.tasks": _no_topic("tasks"),
    "plan-basics.bodies": _set("responsible_bodies", []),
    "plan-basics.budget": _set("budget", None),
    "plan-basics.signer": _set("document.signer.name", None),
    "plan-basics.recipients": _set("document.recipients", []),
}


@pytest.mark.parametrize("requirement", sorted(REMOVALS))
def test_each_mandatory_requirement_missing_in_turn(requirement: str) -> None:
    plan = copy.deepcopy(extracted(LAO_CAI))
    REMOVALS[requirement](plan)
    report = audit(plan, PROFILES)
    assert [f.requirement for f in report.missing_mandatory()] == [requirement]


def _without_blood_units(plan: dict[str, Any]) -> None:
    plan["targets"] = [t for t in plan["targets"] if t["unit"] != "đơn vị máu"]
    plan["paragraphs"] = [p for p in plan["paragraphs"] if "đơn vị máu" not in p["text"]]


def test_units_target_missing_alone() -> None:
    plan = copy.deepcopy(extracted(LAO_CAI))
    _without_blood_units(plan)
    assert [f.requirement for f in audit(plan, PROFILES).missing_mandatory()] == ["blood-donation.units_collected"]


def test_units_mentioned_without_a_number_are_unclear() -> None:
    plan = copy.deepcopy(extracted(LAO_CAI))
    plan["targets"] = [t for t in plan["targets"] if t["unit"] != "đơn vị máu"]
    finding = next(f for f in audit(plan, PROFILES).requirements if f.requirement == "blood-donation.units_collected")
    assert finding.status == "unclear" and "đơn vị máu" in (finding.quote or "") and finding.page


def test_no_targets_at_all() -> None:
    plan = copy.deepcopy(extracted(LAO_CAI))
    _without_blood_units(plan)
    plan["targets"] = []
    missing = {f.requirement for f in audit(plan, PROFILES).missing_mandatory()}
    assert missing == {"plan-basics.targets", "blood-donation.units_collected"}


def test_recommended_requirements_never_count_as_missing_mandatory() -> None:
    profile = load_profile("blood-donation")
    assert [r["id"] for r in profile["requirements"] if r["mandatory"]] == ["units_collected"]


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("id: x\ntitle: t\nversion: '1'\nrequirements:\n  - {id: a, title: A, check: {field: document.number}}\n",
         "[$.requirements[0]] 'mandatory' is a required property"),
        ("id: x\ntitle: t\nversion: '1'\nrequirements:\n  - {id: a, title: A, mandatory: no, check: {section: x}}\n",
         "[$.requirements[0].check]"),
        ("id: X Y\ntitle: t\nversion: '1'\nrequirements: []\n", "[$.id]"),
        ("id: [unclosed\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_a_profile_with_an_error_is_refused(yaml_text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    assert message in str(info.value)


def test_unknown_profile_name() -> None:
    with pytest.raises(ProfileError, match="blood-donation"):
        load_profile("blood")


# ---- the command -----------------------------------------------------------------------------------------------------


@pytest.fixture
def results(tmp_path: Path) -> Path:
    out = tmp_path / "results"
    out.mkdir()
    for path in (LAO_CAI, THAI_NGUYEN):
        (out / f"{path.name.split('.')[0]}.json").write_text(json.dumps(extracted(path), ensure_ascii=False), "utf-8")
    return out


def test_csv_matrix_of_plans_and_requirements(results: Path) -> None:
    res = runner.invoke(app, ["audit", str(results), "-p", "plan-basics", "-p", "blood-donation", "-f", "csv"])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert list(rows[0])[:5] == ["doc_id", "file", "number", "province", "plan_year"]
    assert [r["doc_id"] for r in rows] == [extracted(p)["source"]["sha256"][:16] for p in (LAO_CAI, THAI_NGUYEN)]
    assert [r["number"] for r in rows] == ["33/KH-BCĐ", "07/KH-BCĐ"]
    assert (rows[1]["plan-basics.budget.status"], rows[1]["plan-basics.budget.value"]) == ("missing", "")
    units = rows[0]["blood-donation.units_collected.value"]
    assert (rows[0]["blood-donation.units_collected.status"], units) == ("stated", ">=6000 đơn vị máu")
    assert len(rows) == 2  # one row a plan, keyed by doc_id: no totals row to join by mistake


def test_csv_cells_cannot_run_as_formulas(results: Path) -> None:
    path = results / "000_475196faf128e58a.json"
    result = json.loads(path.read_text("utf-8"))
    result["document"]["number"] = "=1+1"
    result["document"]["province"] = "@SUM(A1)"
    path.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    res = runner.invoke(app, ["audit", str(results), "-f", "csv"])
    first = next(csv.DictReader(io.StringIO(res.stdout)))
    assert (first["number"], first["province"], first["plan-basics.number.value"]) == ("'=1+1", "'@SUM(A1)", "'=1+1")


def test_a_batch_folder_is_audited_for_its_results(results: Path) -> None:
    (results / "manifest.json").write_text('{"manifest_version": 2, "documents": {}}')
    (results / "notes.json").write_text('{"hello": "world"}')
    (results / "errors.jsonl").write_text("")
    for args in ([str(results)], sorted(map(str, results.glob("*.json")))):  # the folder, or `OUT/*.json`
        res = runner.invoke(app, ["audit", *args, "-f", "json"])
        assert [d["document"]["number"] for d in json.loads(res.stdout)] == ["33/KH-BCĐ", "07/KH-BCĐ"]
        notes = [ln for ln in res.stderr.splitlines() if ln.startswith("note:")]
        assert len(notes) == 1 and "not vnplan results" in notes[0]
    folder = runner.invoke(app, ["audit", str(results), "-f", "json"])
    assert folder.exit_code == 0 and "notes.json: is not a vnplan result" in folder.stderr
    files = runner.invoke(app, ["audit", *sorted(map(str, results.glob("*.json"))), "-f", "json"])
    assert files.exit_code == 2  # notes.json, named on its own, is an error of its own
    assert f"error [not_a_result] {results / 'notes.json'}: is not a vnplan result" in files.stderr


def test_audit_of_a_document_says_to_extract_it_first(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    shutil.copy(LAO_CAI, pdf)
    res = runner.invoke(app, ["audit", str(pdf)])
    assert res.exit_code == 2
    assert f"error [not_a_result] {pdf}: is not a vnplan result (not a JSON object); run `vnplan extract` on it " \
           "first" in res.stderr  # fmt: skip


def test_standard_input_and_output(results: Path, tmp_path: Path) -> None:
    lines = "".join(json.dumps(extracted(p), ensure_ascii=False) + "\n" for p in (LAO_CAI, THAI_NGUYEN))
    res = runner.invoke(app, ["audit", "-", "-f", "json", "-o", "-"], input=lines)
    assert res.exit_code == 0, res.output
    assert [(d["file"], d["document"]["number"]) for d in json.loads(res.stdout)] == [
        ("stdin:1", "33/KH-BCĐ"), ("stdin:2", "07/KH-BCĐ")
    ]  # fmt: skip


def test_html_matrix_links_each_cell_to_its_evidence(results: Path, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    res = runner.invoke(app, ["audit", str(results), "-p", "blood-donation", "-f", "html", "-o", str(page)])
    assert res.exit_code == 0 and res.stdout == ""
    text = page.read_text("utf-8")
    assert "href='#plan1-blood-donation.units_collected'" in text
    assert "id='plan1-blood-donation.units_collected'" in text
    assert "24.500 đơn vị máu" in text
    # the matrix is headed by what each requirement asks for, its id only in the tooltip; no script can run
    assert "<th class='req' title='blood-donation.units_collected'><span>Tổng số đơn vị máu tiếp nhận" in text
    assert "<th>blood-donation.units_collected</th>" not in text
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in text


def test_fail_on_missing(results: Path) -> None:
    res = runner.invoke(app, ["audit", str(results), "--fail-on", "missing", "-f", "json"])
    assert res.exit_code == 5
    assert "missing [plan-basics.budget] 001_3e86aff22814d78e.json" in res.stderr
    data = json.loads(res.stdout)
    assert [d["document"]["number"] for d in data] == ["33/KH-BCĐ", "07/KH-BCĐ"]


def test_input_that_is_not_a_result(tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text('{"hello": "world"}', "utf-8")
    res = runner.invoke(app, ["audit", str(bad)])
    assert res.exit_code == 2
    assert "error [not_a_result]" in res.stderr and "not a vnplan result" in res.stderr


# ---- profiles that are hostile ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (LAUGHS.encode(), "expands to more than 20,000 values"),  # 600 bytes; a billion strings expanded
        (b"a: " + b"[" * 5000 + b"]" * 5000, "nested more than 20 levels deep"),
        ("id: café\n".encode("latin-1"), "not UTF-8 text (byte 7); save it as UTF-8"),
        (b"# " + b"x" * 300_000, "larger than 256 kB"),
        (b"id: x\ntitle: t\nversion: '1'\nrequirements:\n  - {id: a, title: A, mandatory: true, "
         b"check: {field: __class__}}\n", "[$.requirements[0].check]"),
        (b"- !!python/object/apply:os.system ['touch /tmp/pwned']\n", "not valid YAML"),
    ],
    ids=["billion-laughs", "deep", "latin-1", "huge", "dunder-field", "python-tag"],
)  # fmt: skip
def test_hostile_profiles_are_bad_profile(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    assert message in str(info.value) and info.value.code == "bad_profile"
    res = runner.invoke(app, ["audit", str(tmp_path), "-p", str(path)])
    assert res.exit_code == 2 and res.stderr.startswith(f"error [bad_profile] {path}: ")


def test_a_field_path_reads_only_the_records_fields() -> None:
    profile = {"id": "x", "requirements": [{"id": "a", "title": "A", "mandatory": True,
                                            "check": {"field": "document.model_fields"}}]}  # fmt: skip
    (finding,) = audit(extracted(LAO_CAI), [profile]).requirements
    assert finding.status == "missing" and finding.value is None


def test_an_audit_file_gets_the_umask_permissions(results: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        res = runner.invoke(app, ["audit", str(results), "-f", "html", "-o", str(tmp_path / "reports" / "audit.html")])
    finally:
        os.umask(old)
    assert res.exit_code == 0
    assert stat.S_IMODE((tmp_path / "reports" / "audit.html").stat().st_mode) == 0o644
