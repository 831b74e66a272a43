"""The kinds of input vnplan reads, by file name: what a folder is searched for. (Ingest triages each file by its
bytes, not its name; this list only decides which files of a folder are taken.) Kept apart from the readers so
that tools can list inputs without loading PDF libraries."""

from __future__ import annotations

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
PDF_SUFFIXES = frozenset({".pdf"})
WORD_SUFFIXES = frozenset({".docx", ".doc"})
SUPPORTED = TEXT_SUFFIXES | PDF_SUFFIXES | WORD_SUFFIXES
