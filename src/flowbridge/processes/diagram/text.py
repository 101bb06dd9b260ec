"""Wrapping element names into lines that fit a width.

SVG has no text flow, so widths are estimated: wide (CJK, full-width)
characters count as one em, other characters as about 0.55 em. Latin text
breaks at spaces; Chinese text, which has no spaces, breaks between any two
characters; a word longer than the line is cut where it must be.
"""

from __future__ import annotations

import unicodedata

FONT_SIZE = 12.0
LINE_HEIGHT = 14.0


def char_width(char: str, font_size: float = FONT_SIZE) -> float:
    if unicodedata.east_asian_width(char) in {"W", "F"}:
        return font_size
    if char in "il.,:;'|!":
        return font_size * 0.3
    if char.isupper() or char in "mwMW@%":
        return font_size * 0.7
    return font_size * 0.55


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    return sum(char_width(char, font_size) for char in text)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in {"W", "F"}


# Spaces that join words instead of separating them: a line never breaks there.
NO_BREAK = "\u00a0\u2007\u202f\u2060"


def _tokens(paragraph: str) -> list[str]:
    """Words and single wide characters, with the spaces kept as their own tokens."""
    tokens: list[str] = []
    word = ""
    for char in paragraph:
        if char in NO_BREAK:
            word += char
        elif char.isspace() or _is_wide(char):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        elif char in "-/":
            # A hyphen or slash is a place where a long word may break.
            tokens.append(word + char)
            word = ""
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def _cut(word: str, width: float, font_size: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, font_size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width: float, font_size: float = FONT_SIZE, *, cut: bool = True) -> list[str]:
    """Split text into lines no wider than width (explicit line breaks are kept).

    With cut=False a word longer than the line overflows instead of being split,
    as modelers do for labels outside shapes.
    """
    width = max(width, font_size * 1.5)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        current = ""
        for token in _tokens(paragraph):
            if token.isspace():
                if current:
                    current += token
                continue
            candidate = current + token
            if text_width(candidate.rstrip(), font_size) <= width:
                current = candidate
                continue
            if current.strip():
                lines.append(current.rstrip())
            current = ""
            if cut and text_width(token, font_size) > width:
                *full, token = _cut(token, width, font_size)
                lines.extend(full)
            current = token
        lines.append(current.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


def fit(lines: list[str], max_lines: int, width: float, font_size: float = FONT_SIZE) -> list[str]:
    """Keep at most max_lines lines, ending the last kept one with an ellipsis."""
    if max_lines < 1:
        max_lines = 1
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + "…", font_size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept
