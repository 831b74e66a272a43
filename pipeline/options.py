"""The options a run shares: each stage's own options and the document's time limit. Kept light (no stage is
imported here), so tools can build options before they decide whether any document needs converting."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.stages.ingest.options import IngestOptions


@dataclass(frozen=True)
class NormalizeOptions:
    correct: bool = True  # False: only Unicode clean-up that loses nothing (--no-correct)


@dataclass(frozen=True)
class Options:
    """What every stage may need: each stage's own options, and how long one document may take."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    timeout: float = 0.0  # seconds for one document, all stages together; 0: no limit

    def __post_init__(self) -> None:
        if self.timeout < 0:
            raise ValueError(f"timeout must be 0 (no limit) or positive, not {self.timeout}")
