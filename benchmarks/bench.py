"""Benchmark: speed and memory of the whole pipeline and of each stage, against the tools it is built on.

Prints, for text-layer PDFs and for scanned PDFs separately, on a corpus of 60 pages or more built by repeating
the samples (pages reordered so no two documents are the same):
- pages per second of `vnplan extract` in a fresh process (start-up and model loading included);
- seconds per page of each stage (ingest, normalize, structure, extract, validate), measured in process;
- the baselines on the same pages: PyMuPDF `get_text()`, pdfplumber text and tables, Tesseract OCR (same dpi, same
  two processes); and the ratios;
- the peak memory of one worker, and its resident memory after 50 and after 500 documents.

When ../shared/realdocs exists, it also prints, on those real documents:
- scanned documents (every page an image): vnplan's CPU time (its Tesseract processes included) against Tesseract
  alone (`-l vie`, OMP_THREAD_LIMIT=1, one page at a time) on the same pages rendered at their own resolution, and
  vnplan's wall time with all cores against that single Tesseract's; the goals are 1.15 and 1.0;
- text-layer documents (no page OCR'd): pages per CPU second of `vnplan extract` in a fresh process, start-up
  included (best of three runs; CPU, not wall, so that other work on the machine counts less); the goal is 25.
The OCR cache (VNPLAN_OCR_CACHE) is switched off for every run: the figures are real work.

Run: `make bench`, or `make bench-real` for the real documents' two goals only (`bench.py --layers`: the text-layer
goal alone, a minute). Not part of the tests: it takes a few minutes and its figures depend on the machine; measure
on a machine doing nothing else, and say under what load it ran: the load average is printed.
"""

from __future__ import annotations

import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pdfplumber
import pymupdf

from pipeline import __version__
from pipeline.runner import STAGES, Options, run
from pipeline.stages.ingest import IngestOptions
from pipeline.stages.ingest.layer import layer_drafts
from pipeline.stages.ingest.ocr import CACHE_ENV, ocr_page
from pipeline.stages.ingest.pdf import native_dpi
from pipeline.stages.ingest.scanned import render_page
from pipeline.stages.ingest.triage import triage

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SEEDS = sorted(p.stem for p in (SAMPLES / "gold").glob("*.json"))


def build_corpus(kind: str, folder: Path, min_pages: int) -> list[Path]:
    """Copies of the sample PDFs of one kind, each copy's pages rotated by one, until `min_pages` pages."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    pages = shift = 0
    while pages < min_pages:
        for seed in SEEDS:
            src = pymupdf.open(SAMPLES / f"{seed}.{kind}.pdf")
            order = list(range(src.page_count))
            order = order[shift % len(order) :] + order[: shift % len(order)]
            doc = pymupdf.open()
            for n in order:
                doc.insert_pdf(src, from_page=n, to_page=n)
            path = folder / f"{seed}-{shift}.{kind}.pdf"
            doc.save(path)
            out.append(path)
            pages += doc.page_count
        shift += 1
    return out


def page_count(paths: list[Path]) -> int:
    return sum(pymupdf.open(p).page_count for p in paths)


def run_cli(paths: list[Path], out: Path) -> tuple[float, float]:
    """Seconds and peak memory (MiB) of `vnplan extract` over the files, in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", *map(str, paths), "-o", str(out), "-q"],
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    seconds = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak


def stages(paths: list[Path]) -> dict[str, float]:
    """Seconds spent in each stage over all the files, in this process, as the stage runner measures them."""
    spent = dict.fromkeys(STAGES, 0.0)
    for path in paths:
        run(path, timings=spent)
    return spent


def baseline_pymupdf(paths: list[Path]) -> float:
    t = time.perf_counter()
    for path in paths:
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text()
    return time.perf_counter() - t


def baseline_pdfplumber(paths: list[Path]) -> float:
    t = time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
    return time.perf_counter() - t


def baseline_tesseract(paths: list[Path]) -> float:
    """Tesseract alone on the same page images, with the same two processes the pipeline uses."""
    options = IngestOptions()
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=options.ocr_jobs) as pool:
        jobs = []
        for path in paths:
            with pymupdf.open(path) as doc:
                for n, page in enumerate(doc):
                    image, dpi = render_page(page, options)
                    jobs.append(pool.submit(ocr_page, image, n + 1, dpi, "vie", 120))
        for job in jobs:
            job.result()
    return time.perf_counter() - t


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_over_documents(n: int) -> tuple[float, float]:
    """Resident memory after 50 and after n text documents processed in one process."""
    seeds = [SAMPLES / f"{s}.txt" for s in SEEDS]
    after_50 = 0.0
    for i in range(n):
        run(seeds[i % len(seeds)], Options())
        if i + 1 == 50:
            gc.collect()
            after_50 = rss_mib()
    gc.collect()
    return after_50, rss_mib()


def report(kind: str, paths: list[Path], out: Path) -> None:
    pages = page_count(paths)
    cli_s, peak = run_cli(paths, out)
    spent = stages(paths)
    print(f"\n== {kind} PDFs: {len(paths)} documents, {pages} pages ==")
    print(f"vnplan extract, fresh process: {cli_s:.1f} s, {pages / cli_s:.1f} pages/s, peak {peak:.0f} MiB")
    total = sum(spent.values())
    for stage, s in spent.items():
        print(f"  {stage:10} {s:7.2f} s  {1000 * s / pages:7.1f} ms/page  {100 * s / total:5.1f}%")
    fitz_s = baseline_pymupdf(paths)
    plumber_s = baseline_pdfplumber(paths)
    print(f"baseline PyMuPDF get_text: {fitz_s:.2f} s ({pages / fitz_s:,.0f} pages/s)")
    print(f"baseline pdfplumber text+tables: {plumber_s:.2f} s ({pages / plumber_s:,.1f} pages/s)")
    if kind == "scan":
        tess_s = baseline_tesseract(paths)
        print(f"baseline Tesseract alone: {tess_s:.1f} s ({tess_s / pages:.2f} s/page)")
        print(f"ratio vnplan / Tesseract alone: {cli_s / tess_s:.2f} (goal <= 1.15)")
    else:
        print(f"ratio vnplan / PyMuPDF: {cli_s / fitz_s:.0f}x; goal >= 25 pages/s: {pages / cli_s:.1f}")


REALDOCS = ROOT.parent / "shared" / "realdocs"


def _quiet_env() -> dict[str, str]:
    """The environment for a measured run: no OCR cache, one thread per Tesseract."""
    env = {k: v for k, v in os.environ.items() if k != CACHE_ENV}
    return {**env, "OMP_THREAD_LIMIT": "1"}


def classify_realdocs(folder: Path) -> tuple[list[Path], list[Path], dict[Path, list[tuple[int, int]]]]:
    """Scanned documents (every page an image covering it), text-layer documents (no page to OCR), and each scanned
    page's own resolution, by the pipeline's own triage."""
    scans: list[Path] = []
    layers: list[Path] = []
    resolutions: dict[Path, list[tuple[int, int]]] = {}
    for path in sorted(folder.glob("*.pdf")):
        with pymupdf.open(path) as doc:
            dpis = [native_dpi(page) for page in doc]
            verdicts = [
                triage(page, layer_drafts(page, page.number + 1), IngestOptions().min_text_chars) for page in doc
            ]
            if all(dpis):
                scans.append(path)
                resolutions[path] = [(n, dpi) for n, dpi in enumerate(dpis) if dpi]
            elif all(v.reason is None for v in verdicts):
                layers.append(path)
    return scans, layers, resolutions


def cpu_and_wall(cmd: list[str]) -> tuple[float, float]:
    """CPU seconds (the command and every process it waited for) and wall seconds of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=_quiet_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def tesseract_alone(resolutions: dict[Path, list[tuple[int, int]]]) -> tuple[float, float, int]:
    """CPU and wall seconds of Tesseract alone on every scanned page rendered at its own resolution, one page at a
    time (rendering not counted), and the number of pages."""
    cpu = wall = 0.0
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path, dpis in resolutions.items():
            with pymupdf.open(path) as doc:
                for n, dpi in dpis:
                    image = Path(tmp) / "page.pgm"
                    image.write_bytes(
                        doc[n].get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, annots=False).tobytes("pnm")
                    )
                    c, w = cpu_and_wall(["tesseract", str(image), "stdout", "-l", "vie", "--dpi", str(dpi)])
                    cpu, wall, pages = cpu + c, wall + w, pages + 1
    return cpu, wall, pages


def report_realdocs(folder: Path, out: Path, scans_too: bool = True) -> None:
    scans, layers, resolutions = classify_realdocs(folder)
    if scans_too:
        report_real_scans(scans, resolutions, out)
    report_real_layers(layers, out)


def report_real_scans(scans: list[Path], resolutions: dict[Path, list[tuple[int, int]]], out: Path) -> None:
    tess_cpu, tess_wall, pages = tesseract_alone(resolutions)
    cmd = [sys.executable, "-m", "pipeline", "extract", "-o", str(out / "scan"), "-q"]
    vn_cpu, vn_wall = cpu_and_wall([*cmd, *map(str, scans)])
    print(f"\n== real scans: {len(scans)} documents, {pages} pages (load average before: {os.getloadavg()[0]:.1f}) ==")
    print(f"Tesseract alone, own resolution: {tess_cpu:.1f} s CPU, {tess_wall:.1f} s wall")
    print(f"vnplan extract: {vn_cpu:.1f} s CPU, {vn_wall:.1f} s wall on {os.cpu_count()} cores")
    print(f"ratio CPU vnplan / Tesseract alone: {vn_cpu / tess_cpu:.2f} (goal <= 1.15)")
    print(f"ratio wall vnplan / Tesseract alone: {vn_wall / tess_wall:.2f} (goal < 1.0)")


def compile_bytecode() -> None:
    """Compile the package's modules to bytecode, as `pip install` does: a fresh process then loads them instead of
    compiling every module of vnplan from source (a sixth of the text-layer run's CPU when PYTHONDONTWRITEBYTECODE
    is set, as it is in some shells and CI images)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True, stdout=subprocess.DEVNULL
    )


def report_real_layers(layers: list[Path], out: Path) -> None:
    layer_pages = page_count(layers)
    compile_bytecode()
    cmd = [sys.executable, "-m", "pipeline", "extract", "-o", str(out / "layer"), "-q"]
    runs = [cpu_and_wall([*cmd, *map(str, layers)]) for _ in range(3)]  # the best of three: the least disturbed
    cpu, wall = min(c for c, _ in runs), min(w for _, w in runs)
    load = os.getloadavg()[0]
    print(f"\n== real text-layer PDFs: {len(layers)} documents, {layer_pages} pages (load {load:.1f}) ==")
    print(f"vnplan extract, fresh process, bytecode compiled (best of 3): {cpu:.2f} s CPU, {wall:.2f} s wall")
    print(f"pages per CPU second: {layer_pages / cpu:.1f} (goal >= 25); per wall second: {layer_pages / wall:.1f}")


def main() -> None:
    os.environ.pop(CACHE_ENV, None)  # every figure is real work, never a cached answer
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        print(f"vnplan {__version__} benchmark on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
        if REALDOCS.is_dir():
            report_realdocs(REALDOCS, base / "real", scans_too="--layers" not in sys.argv[1:])
        if {"--real", "--layers"} & set(sys.argv[1:]):  # the two goals only (make bench-real), or the second
            return
        report("layer", build_corpus("layer", base / "layer", 100), base / "out-layer")
        report("scan", build_corpus("scan", base / "scan", 60), base / "out-scan")
        after_50, after_500 = memory_over_documents(500)
        print(f"\nmemory of one process over 500 documents: {after_50:.0f} MiB after 50, {after_500:.0f} MiB after 500")


if __name__ == "__main__":
    main()
