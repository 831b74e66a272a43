"""The header and the signature of a document, read as Decree 30/2020/NĐ-CP lays them out (see zones.py)."""

from pipeline.stages.header.lines import DOC_TYPES, HLine, type_from_symbol, type_of
from pipeline.stages.header.zones import Header, read_headers

__all__ = ["DOC_TYPES", "HLine", "Header", "read_headers", "type_from_symbol", "type_of"]
