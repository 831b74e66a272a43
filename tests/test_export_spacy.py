"""`vnplan export --format spacy`: the results as spaCy Docs, a span group per kind of fact."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin
from typer.testing import CliRunner

from pipeline.tools.cli import app

from .conftest import SAMPLES, extracted_plan


def test_docbin_holds_each_result_with_its_facts_as_spans(results: Path) -> None:
    target = results / "facts.spacy"
    done = CliRunner().invoke(app, ["export", str(results), "-f", "spacy", "-o", str(target)])
    assert done.exit_code == 0, done.output
    docs = {d.user_data["vnplan"]["file"]: d for d in DocBin().from_disk(target).get_docs(spacy.blank("xx").vocab)}
    assert set(docs) == {"000_475196faf128e58a.txt", "001_3e86aff22814d78e.layer.pdf"}
    lao_cai = docs["000_475196faf128e58a.txt"]
    plan = extracted_plan(SAMPLES / "000_475196faf128e58a.txt")
    assert lao_cai.user_data["vnplan"]["number"] == plan.document.number
    assert set(lao_cai.spans) == {"target", "event", "body"}
    # every fact whose evidence is a paragraph's text is a span, labelled by its kind, covering its evidence
    assert len(lao_cai.spans["target"]) == len(plan.targets)
    assert all(span.label_ == "TARGET" for span in lao_cai.spans["target"])
    spans = {span.text for span in lao_cai.spans["body"]}
    assert any(plan.responsible_bodies[0].source.text in s for s in spans)
    six_thousand = next(t for t in plan.targets if t.value == 6000)
    assert any(six_thousand.source.text in span.text for span in lao_cai.spans["target"])
