"""Budget (`Kinh phí thực hiện`): where the money comes from, and who must estimate, propose or approve it."""

from __future__ import annotations

import re

from pipeline.plan import Budget
from pipeline.records import Document
from pipeline.stages.extract.evidence import source
from pipeline.stages.extract.spans import body_sentences
from pipeline.stages.structure import Layout
from pipeline.vi.names import names_in

# Funding sources as plans name them: `ngân sách nhà nước`, `ngân sách tỉnh cấp`, `nguồn vận động hỗ trợ hợp pháp
# khác`, `xã hội hóa`, `nguồn kinh phí thường xuyên của đơn vị`.
_SOURCE = re.compile(
    r"(?:từ\s+)?(?P<src>(?:nguồn\s+)?ngân sách[^,;.()]*?|nguồn\s+(?!kinh phí\s+(?:thực hiện|tổ chức))[^,;.()]*?|"
    r"(?:vận động\s+)?xã hội hóa|kinh phí (?:thường xuyên|sự nghiệp)[^,;.()]*?)"
    r"(?=\s+(?:và|cấp cho|để|theo)\b|[,;.()]|$)",
    re.IGNORECASE,
)
_RESPONSIBLE = re.compile(r"(?:xây dựng|lập|trình|dự toán|đề xuất|bố trí|cân đối|thẩm định|phê duyệt)", re.IGNORECASE)


def extract_budget(doc: Document, lay: Layout) -> Budget | None:
    sentences = [s for s in body_sentences(doc, lay) if s.topic == "budget"]
    if not sentences:
        return None
    sources: list[str] = []
    responsible: list[str] = []
    for s in sentences:
        for m in _SOURCE.finditer(s.text):
            found = re.sub(r"\s+", " ", m.group("src")).strip()
            if found and found.lower() not in (x.lower() for x in sources):
                sources.append(found)
        for clause in re.split(r"[;:]", s.text):
            verb = _RESPONSIBLE.search(clause)
            if verb:
                for name in names_in(clause[: verb.start()]):
                    if name not in responsible:
                        responsible.append(name)
    first = doc.paragraphs[sentences[0].paragraph]
    text = "\n".join(s.text for s in sentences)
    return Budget(sources=sources, responsible=responsible, text=text, source=source(first))
