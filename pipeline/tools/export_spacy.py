"""Export for model training: the results of a folder as spaCy `Doc`s in one `DocBin` (`vnplan[spacy]`).

Each result becomes one Doc: its corrected paragraphs joined by blank lines, with a span group per kind of fact
(`doc.spans["target"]`, `["event"]`, `["body"]`), each span covering the fact's evidence, and the document's header
in `doc.user_data["vnplan"]`. Teams that train their own extractors on vnplan's output load it with
`DocBin().from_disk(path).get_docs(nlp.vocab)`. Text is tokenised with spaCy's multi-language rules (`xx`): its
Vietnamese tokenizer needs pyvi, which vnplan does not ship.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import MissingExtra
from pipeline.plan import Evidence, Plan
from pipeline.stages.write import write_bytes_atomic
from pipeline.tools.results import doc_id, read_results

SPAN_GROUPS = ("target", "event", "body")


def _spacy() -> Any:
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError as e:
        raise MissingExtra("--format spacy needs spaCy: pip install 'vnplan[spacy]'") from e
    return spacy, DocBin


def paragraph_offsets(plan: Plan) -> tuple[str, list[tuple[int, int, int]]]:
    """The Doc's text, and each paragraph's (page, start, end) in it."""
    parts, offsets, at = [], [], 0
    for p in plan.paragraphs:
        parts.append(p.text)
        offsets.append((p.page, at, at + len(p.text)))
        at += len(p.text) + 2
    return "\n\n".join(parts), offsets


def locate(text: str, offsets: list[tuple[int, int, int]], evidence: Evidence) -> tuple[int, int] | None:
    """Where a fact's evidence stands in the Doc's text: in a paragraph of its page."""
    needle = evidence.text
    if not needle:
        return None
    for page, start, end in offsets:
        if page == evidence.page:
            at = text.find(needle, start, end)
            if at >= 0:
                return at, at + len(needle)
    return None


def plan_doc(nlp: Any, plan: Plan) -> Any:
    text, offsets = paragraph_offsets(plan)
    doc = nlp.make_doc(text)
    facts: dict[str, list[Evidence]] = {
        "target": [t.source for t in plan.targets],
        "event": [e.source for e in plan.events],
        "body": [b.source for b in plan.responsible_bodies],
    }
    for group, evidence in facts.items():
        spans = []
        for source in evidence:
            where = locate(text, offsets, source)
            span = doc.char_span(*where, label=group.upper(), alignment_mode="expand") if where else None
            if span is not None:
                spans.append(span)
        doc.spans[group] = spans
    doc.user_data["vnplan"] = plan.document.model_dump(mode="json", include={"doc_type", "number", "date", "issuer"})
    doc.user_data["vnplan"]["file"] = plan.source.file
    doc.user_data["vnplan"]["doc_id"] = doc_id(plan)
    return doc


def export_spacy(folder: Path, target: Path) -> Path:
    """Write every result of `folder` as one DocBin file at `target`; return it."""
    spacy, doc_bin = _spacy()
    nlp = spacy.blank("xx")
    docs = doc_bin(store_user_data=True)
    for _, plan in read_results(folder).plans:
        docs.add(plan_doc(nlp, plan))
    return write_bytes_atomic(target, docs.to_bytes())
