"""Is the repaired text Vietnamese at all? A plan in another language (or undecodable mojibake) is refused, not
turned into empty or wrong facts."""

from __future__ import annotations

import re

from pipeline.errors import NotVietnamese
from pipeline.records import Document

# Letters only Vietnamese uses among Latin scripts: đ, and vowels with a breve, horn, circumflex or tone mark.
_VIETNAMESE = re.compile(r"[đĐàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 80  # below this a short note or a table-only file is not judged
MIN_SHARE = 0.15  # Vietnamese prose has 60-80% of its words marked; English has none


def vietnamese_share(text: str) -> tuple[float, int]:
    """The share of words with a Vietnamese-only letter, and the number of words."""
    words = _WORD.findall(text)
    if not words:
        return 0.0, 0
    return sum(bool(_VIETNAMESE.search(w)) for w in words) / len(words), len(words)


def require_vietnamese(doc: Document) -> None:
    """Raise NotVietnamese when a document of some length has (almost) no Vietnamese words."""
    text = " ".join(p.text for p in doc.paragraphs)
    share, words = vietnamese_share(text)
    if words >= MIN_WORDS and share < MIN_SHARE:
        raise NotVietnamese(
            f"does not read as Vietnamese: {share:.0%} of its {words} words have Vietnamese letters "
            "(a plan has over 50%); another language, or an encoding vnplan cannot decode"
        )
