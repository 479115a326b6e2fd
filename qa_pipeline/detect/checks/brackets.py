"""Brackets and quotation marks: a side that is unbalanced where the other side is balanced
probably lost or gained a mark in translation (a dropped closing quote, a parenthesis)."""

from __future__ import annotations

from .base import CheckSpec, Hit

_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("‹", "›"))


def problems(text: str) -> list[tuple[str, int]]:
    """(description, offset) of each imbalance in `text`."""
    out: list[tuple[str, int]] = []
    for op, cl in _PAIRS:
        depth = 0
        last_open = -1
        for i, ch in enumerate(text):
            if ch == op:
                depth += 1
                last_open = i
            elif ch == cl:
                if depth == 0:
                    out.append((f"unmatched '{cl}'", i))
                else:
                    depth -= 1
        if depth > 0:
            out.append((f"unclosed '{op}'", last_open))
    # Low-9 quotes („) open in lt and et and close with “ (or ”); without them, “ opens and ”
    # closes (en). Straight quotes pair up with each other.
    low = text.count("„")
    if low:
        closers = text.count("“") + text.count("”")
        if low != closers:
            out.append((f"{low} opening „ vs {closers} closing quote(s)", text.find("„")))
    elif text.count("“") != text.count("”"):
        out.append(("unbalanced “ ”", max(text.find("“"), text.find("”"))))
    if text.count('"') % 2:
        out.append(('odd number of "', text.find('"')))
    return out


def check_brackets(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    sp, tp = problems(src), problems(tgt)
    if bool(sp) == bool(tp):
        return []
    side, probs = ("source", sp) if sp else ("target", tp)
    spans = tuple((i, i + 1) for _, i in probs if i >= 0)
    msg = f"the {side} has unbalanced brackets/quotes ({'; '.join(d for d, _ in probs)})"
    return [Hit("brackets", "minor", 0.4, msg,
                spans if side == "source" else (), spans if side == "target" else ())]


CHECK = CheckSpec("brackets", "brackets", check_brackets)
