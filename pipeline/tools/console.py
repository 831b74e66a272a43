"""Text the commands print: safe for a terminal, and counted in words."""

from __future__ import annotations


def shown(text: object) -> str:
    """Text safe to print on a terminal: control characters (an escape sequence in a file name) and bytes that are
    not UTF-8 written as Python escapes, so a name can never rewrite the screen."""
    return "".join(c if c.isprintable() or c == " " else ascii(c)[1:-1] for c in str(text))


def plural(n: int, word: str) -> str:
    """`1 page`, `6 pages`."""
    return f"{n} {word}{'' if n == 1 else 's'}"
