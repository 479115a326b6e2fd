"""End punctuation: a question must stay a question, an exclamation an exclamation."""

from __future__ import annotations

import re

from .base import CheckSpec, Hit

_TRAILING_JUNK = re.compile(r"[\s\"'’‘“”„«»)\]}›‹–—-]+$")
_TERMINAL = re.compile(r"(\?!|!\?|[?!]\.{1,2}|\?|!|\.{3}|…|\.)$")  # Russian "?.." asks too
# A '?' that ends a sentence or a quoted question inside the text.
_QMARK = re.compile(r"\?(?=[!.\s\"'’“”«»)\]]|$)")  # "?!" and "?.." ask too
# A full stop after a quoted question or exclamation ("Mind hammustati!“.") closes the
# sentence around the quotation: the quotation's own mark is the ending that reads.
_STOP_AFTER_QUOTED = re.compile(r"(?<=[?!][\"'’”“»)\]])\.\s*$")


def _final(text: str) -> tuple[str, int]:
    """('?' | '!' | '.' | '', offset) of the final mark, ignoring closing quotes/brackets."""
    body = _TRAILING_JUNK.sub("", _STOP_AFTER_QUOTED.sub("", text))
    m = _TERMINAL.search(body)
    if not m:
        return "", len(body)
    mark = m.group()
    kind = "?" if "?" in mark else "!" if "!" in mark else "."
    return kind, m.start()


_NAMES = {"?": "a question", "!": "an exclamation", ".": "a statement"}


def check_punctuation(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    (sk, so), (tk, to) = _final(src), _final(tgt)
    s_span = ((so, so + 1),) if sk else ()
    t_span = ((to, to + 1),) if tk else ()
    sq, tq = len(_QMARK.findall(src)), len(_QMARK.findall(tgt))
    question = "?" in (sk, tk)
    # A bead of several sentences may close on a different one in each language (a question
    # and a statement merged into one question): with as many questions on both sides, the
    # question was kept and only the order or the sentence split moved.
    if sk and tk and sk != tk and not (question and sq == tq):
        return [Hit("punctuation", "major" if question else "minor", 0.6 if question else 0.3,
                    f"the source ends as {_NAMES[sk]} ({sk}), the target as {_NAMES[tk]} ({tk})",
                    s_span, t_span)]
    if sq != tq:
        return [Hit("punctuation", "minor", 0.3,
                    f"the source has {sq} question mark(s), the target {tq}",
                    tuple((m.start(), m.end()) for m in _QMARK.finditer(src)),
                    tuple((m.start(), m.end()) for m in _QMARK.finditer(tgt)))]
    return []


CHECK = CheckSpec("punctuation", "punctuation", check_punctuation)
