"""Broken and hostile inputs (tests/hostile.py builds them): a clear error code each, no traceback, nothing written
for a bad file, nothing written outside the output folder, nothing overwritten, nothing followed through a link,
no cell a spreadsheet would run, no secret printed, and the good files of the same batch still converted."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.errors import TooLarge
from pipeline.stages.ingest import IngestOptions, ingest
from pipeline.tools.cli import app
from pipeline.tools.names import output_names

from .conftest import ROOT, SAMPLES, extracted
from .hostile import BAD_MANIFESTS, DEEP_JSON, FORMULAS, Case, build, inline_bomb_pdf, plant_formulas, plant_links

TEXT_SAMPLE = SAMPLES / "000_475196faf128e58a.txt"

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Case]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, build(folder)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder (links not followed) with a hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[str(path.relative_to(folder))] = "-> " + os.readlink(path)
        elif path.is_file():
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def batch(src: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`vnplan batch` as a user runs it: a process of its own (the batch's own process must survive everything)."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "batch", str(src), "-o", str(out), "-q", "--workers", "2", *extra],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=900, check=False,
    )  # fmt: skip


def test_extract_gives_each_bad_file_its_code(corpus: tuple[Path, dict[str, Case]], tmp_path: Path) -> None:
    folder, cases = corpus
    files = [folder / "in" / rel for rel in cases]
    done = runner.invoke(app, ["extract", *map(str, files), "-o", str(tmp_path / "out"), "--timeout", "120"])
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    lines = {line.split("] ", 1)[1].split(": ", 1)[0]: line for line in done.stderr.splitlines() if "] " in line}
    names = output_names({str(f.resolve()): f.name for f in files})
    for rel, case in cases.items():
        path, out = folder / "in" / rel, tmp_path / "out" / f"{names[str((folder / 'in' / rel).resolve())]}.json"
        if case.error and case.error != "outside_input":  # a link named on the command line is read: it was chosen
            assert lines[str(path)].startswith(f"error [{case.error}] {path}: "), lines.get(str(path))
            assert not out.exists()
        else:
            result = json.loads(out.read_text("utf-8"))
            assert case.warnings <= {w["code"] for w in result["warnings"]}, rel
            assert result["source"]["file"] == Path(rel).name  # its own result, not another input's
    results = [p for p in (tmp_path / "out").iterdir()]
    assert len(results) == sum(not c.error or c.error == "outside_input" for c in cases.values())


def test_batch_records_every_bad_file_and_writes_only_into_its_folder(
    corpus: tuple[Path, dict[str, Case]], tmp_path: Path
) -> None:
    folder, cases = corpus
    before = snapshot(folder)
    scratch, home, out = tmp_path / "tmp", tmp_path / "home", tmp_path / "out"
    scratch.mkdir()
    home.mkdir()
    done = batch(folder / "in", out, env={**os.environ, "TMPDIR": str(scratch), "HOME": str(home)})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = {e["input"]: e for e in map(json.loads, (out / "errors.jsonl").read_text("utf-8").splitlines())}
    assert {rel: e["type"] for rel, e in errors.items()} == {rel: c.error for rel, c in cases.items() if c.error}
    names = output_names({rel: rel for rel in cases})
    good = {rel for rel, c in cases.items() if not c.error}
    assert {p.name for p in out.iterdir()} == {f"{names[rel]}.json" for rel in good} | {
        "manifest.json", "errors.jsonl", ".vnplan.lock"
    }  # fmt: skip
    for rel in good:  # every input its own result: nothing overwritten
        assert json.loads((out / f"{names[rel]}.json").read_text("utf-8"))["source"]["file"] == Path(rel).name
    assert all(len(n.encode("utf-8")) <= 200 for n in names.values())
    assert snapshot(folder) == before  # inputs untouched
    assert list(scratch.iterdir()) == [] and list(home.iterdir()) == []  # no stray files anywhere else


@pytest.mark.parametrize("shape", sorted(BAD_MANIFESTS))
def test_a_bad_manifest_only_costs_a_redo(shape: str, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(TEXT_SAMPLE, src / "plan.txt")
    out.mkdir()
    (out / "manifest.json").write_bytes(BAD_MANIFESTS[shape])
    victim = tmp_path / "victim.json"
    victim.write_text("keep me")
    done = batch(src, out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads((out / "plan.json").read_text("utf-8"))["document"]["number"] == "33/KH-BCĐ"
    assert set(json.loads((out / "manifest.json").read_text("utf-8"))["documents"]) == {"plan.txt"}
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("name", [".vnplan.lock", "errors.jsonl", "manifest.json", "review"])
def test_nothing_is_written_through_a_planted_link(name: str, tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(TEXT_SAMPLE, src / "plan.txt")
    victim = tmp_path / "victim"
    if name == "review":
        victim.mkdir()
    else:
        victim.write_text("keep me")
    link = plant_links(out, victim)[name]
    for other in {".vnplan.lock", "errors.jsonl", "manifest.json", "review"} - {name}:
        (out / other).unlink()
    done = batch(src, out, "--review")
    assert done.returncode == 6, done.stderr
    assert done.stderr.startswith(f"error [write_failed] {link}: ") and "symbolic link" in done.stderr
    assert victim.is_dir() and list(victim.iterdir()) == [] if name == "review" else victim.read_text() == "keep me"
    assert link.is_symlink()


def test_a_link_planted_at_a_results_name_fails_that_document_only(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(TEXT_SAMPLE, src / "plan.txt")
    shutil.copy(SAMPLES / "001_3e86aff22814d78e.txt", src / "other.txt")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out.mkdir()
    (out / "plan.json").symlink_to(victim)
    done = batch(src, out)
    assert done.returncode == 6
    assert (
        f"error [write_failed] {src / 'plan.txt'}: is a symbolic link; vnplan writes only regular files" in done.stderr
    )
    assert victim.read_text() == "keep me" and (out / "plan.json").is_symlink()
    assert json.loads((out / "other.json").read_text("utf-8"))["document"]["number"] == "07/KH-BCĐ"


def test_outputs_named_on_the_command_line_are_regular_files_only(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "plan.json").write_text(json.dumps(extracted(TEXT_SAMPLE), ensure_ascii=False), "utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link.md").symlink_to(victim)
    os.mkfifo(tmp_path / "fifo.csv")
    for args in (["audit", str(results), "-o", str(tmp_path / "link.md")],
                 ["audit", str(results), "-f", "csv", "-o", str(tmp_path / "fifo.csv")],
                 ["audit", str(results), "-o", "/dev/null"],
                 ["export", str(results), "-f", "sqlite", "-o", str(tmp_path / "link.md")]):  # fmt: skip
        done = runner.invoke(app, args)
        assert done.exit_code == 6 and "error [write_failed]" in done.stderr, args
    assert victim.read_text() == "keep me" and (tmp_path / "link.md").is_symlink()
    assert Path("/dev/null").is_char_device() and (tmp_path / "fifo.csv").is_fifo()


def test_a_page_no_renderer_can_draw_costs_only_its_review_page(
    corpus: tuple[Path, dict[str, Case]], tmp_path: Path
) -> None:
    folder, _ = corpus
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(folder / "in" / "huge-page.pdf", src / "huge-page.pdf")
    shutil.copy(TEXT_SAMPLE, src / "plan.txt")
    done = batch(src, tmp_path / "out", "--review")
    assert "Traceback" not in done.stderr
    assert (tmp_path / "out" / "huge-page.json").is_file() and (tmp_path / "out" / "review" / "plan.html").is_file()
    if not (tmp_path / "out" / "review" / "huge-page.html").is_file():  # unless the review page guards its size
        assert done.returncode == 2
        assert f"error [too_large] {src / 'huge-page.pdf'}: review page not written: " in done.stderr


def test_an_inline_image_bomb_is_refused_before_it_is_decoded(corpus: tuple[Path, dict[str, Case]]) -> None:
    folder, _ = corpus
    with pytest.raises(Exception, match=r"page 1 holds an image of 30,000 x 30,000 pixels, more than --max-pixels"):
        ingest(folder / "in" / "inline-bomb.pdf", IngestOptions(ocr="auto"))
    code = (  # VmHWM: this process's own peak (ru_maxrss would carry the test runner's peak across fork and exec)
        "import sys\nfrom pipeline.stages.ingest import ingest\n"
        "try:\n    ingest(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__)\n"
        "hwm = next(ln for ln in open('/proc/self/status') if ln.startswith('VmHWM:'))\n"
        "print(int(hwm.split()[1]) // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(folder / "in" / "inline-bomb.pdf")], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, check=True)  # fmt: skip
    error, peak_mb = done.stdout.split()
    assert error == "TooLarge" and int(peak_mb) < 400  # decoded, the image alone is 858 MB


@pytest.mark.parametrize("where", ["page", "array", "form", "pattern", "type3"])
def test_an_inline_image_bomb_is_found_in_every_stream_a_page_draws(where: str, tmp_path: Path) -> None:
    """In the contents (also as the second stream of an array, with an escaped /#57 key), in a form, a tiling
    pattern or a Type3 glyph: each is refused before MuPDF reads the page, for its text or to render it."""
    path = tmp_path / f"{where}.pdf"
    path.write_bytes(inline_bomb_pdf(where=where))
    for ocr in ("never", "always"):
        with pytest.raises(TooLarge, match=r"page 1 holds an image of 30,000 x 30,000 pixels"):
            ingest(path, IngestOptions(ocr=ocr))  # type: ignore[arg-type]


def test_csv_cells_from_a_hostile_result_cannot_run(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    result = extracted(SAMPLES / "001_3e86aff22814d78e.txt")
    plant_formulas(result)
    (results / "=cmd|' calc'!A0.json").write_text(json.dumps(result, ensure_ascii=False), "utf-8")
    assert runner.invoke(app, ["export", str(results), "-f", "csv", "-o", str(tmp_path / "csv")]).exit_code == 0
    audit = runner.invoke(app, ["audit", str(results), "-f", "csv", "-o", str(tmp_path / "audit.csv")])
    assert audit.exit_code == 0
    cells = [cell for path in [*(tmp_path / "csv").glob("*.csv"), tmp_path / "audit.csv"]
             for row in csv.reader(path.open(encoding="utf-8", newline="")) for cell in row]  # fmt: skip
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r", "＝") or c.startswith("-2")]
    for formula in FORMULAS:  # each is there, made inert by a leading quote
        assert "'" + formula in cells, formula
    assert "'=cmd|' calc'!A0.json" in cells  # the file name too


def test_a_deeply_nested_json_is_not_a_result(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(DEEP_JSON)
    for command in (["validate", str(deep)], ["audit", str(deep)], ["review", str(deep)]):
        res = runner.invoke(app, command)
        assert res.exit_code == 2 and res.stderr.startswith(f"error [not_a_result] {deep}: "), command


def test_blank_pages_under_a_higher_page_limit_are_no_text(corpus: tuple[Path, dict[str, Case]]) -> None:
    folder, _ = corpus
    with pytest.raises(Exception, match="has no readable text") as info:
        ingest(folder / "in" / "blank-2000.pdf", IngestOptions(max_pages=5000))
    assert getattr(info.value, "code", None) == "no_text"


def test_bomb_is_refused_before_it_is_decoded(corpus: tuple[Path, dict[str, Case]]) -> None:
    folder, _ = corpus
    with pytest.raises(Exception, match=r"page 1 holds an image of 20,000 x 20,000 pixels, more than --max-pixels"):
        ingest(folder / "in" / "bomb.pdf", IngestOptions(ocr="auto"))


@pytest.mark.parametrize("stem", ["../../x", "/etc/passwd", "..", ""])
def test_output_names_cannot_leave_the_folder(tmp_path: Path, stem: str) -> None:
    from pipeline.stages.write import write_result

    from .conftest import extracted_plan

    out = tmp_path / "a" / "b"
    if Path(stem).name in {"", ".."}:
        with pytest.raises(ValueError, match="bad output name"):
            write_result(extracted_plan(TEXT_SAMPLE), out, stem)
    else:
        assert write_result(extracted_plan(TEXT_SAMPLE), out, stem).parent == out


def test_a_name_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    """Results and logs are UTF-8 JSON: a file whose name holds other bytes is refused with a code, in extract and in
    a batch, and the batch goes on; its name is printed escaped."""
    src = tmp_path / "in"
    src.mkdir()
    bad = Path(os.fsdecode(bytes(src) + b"/plan\xff.txt"))
    shutil.copy(TEXT_SAMPLE, bad)
    shutil.copy(TEXT_SAMPLE, src / "good.txt")
    res = runner.invoke(app, ["extract", str(src), "-o", str(tmp_path / "x")])
    assert res.exit_code == 2
    assert f"error [input_error] {src}/plan\\udcff.txt: has a name that is not valid UTF-8" in res.stderr
    done = batch(src, tmp_path / "b")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "error [input_error]" in done.stderr and (tmp_path / "b" / "good.json").is_file()
    (entry,) = [json.loads(line) for line in (tmp_path / "b" / "errors.jsonl").read_text("utf-8").splitlines()]
    assert entry["input"] == "plan\ufffd.txt" and entry["type"] == "input_error"
