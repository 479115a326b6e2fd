"""Brackets and quotation marks: a side that is unbalanced where the other side is balanced
probably lost or gained a mark in translation (a dropped closing quote, a parenthesis).

A quotation often spans sentences, and the two translations need not split it alike: one
side quotes a speaker's three sentences with one „ and one “, the other marks each sentence
as dialogue with a dash. So a side's sentence that is unbalanced on its own counts as
balanced when it closes a run of up to `REACH` + 1 consecutive beads on that side that is
balanced as a whole (`document_brackets`, a pass over all beads in order)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .base import CheckSpec, Hit

# How many neighbouring beads a quotation may span before its marks must balance.
REACH = 5

_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("‹", "›"))


# A list item's marker, "a)" or "12)" at the start or after a space: no closing bracket
# ("a) pirkėjas; b) pardavėjas" renders "(a) the buyer; (b) the seller").
_LIST_MARKER = re.compile(r"(?:^|(?<=\s))[^\W_]{1,2}\)(?=\s)")
# A straight double quote after a digit is an inch or second mark (6.1" display, 5' 11").
_MEASURE = re.compile(r'(?<=\d)"')


def problems(text: str) -> list[tuple[str, int]]:
    """(description, offset) of each imbalance in `text`."""
    out: list[tuple[str, int]] = []
    markers = {m.end() - 1 for m in _LIST_MARKER.finditer(text)}
    for op, cl in _PAIRS:
        if op == "«" and -1 < text.find("»") < text.find("«"):
            op, cl = cl, op  # German and Danish quote »so« (and Swiss and French «so»)
        depth = 0
        last_open = -1
        for i, ch in enumerate(text):
            if ch == op:
                depth += 1
                last_open = i
            elif ch == cl and i in markers and depth == 0:
                continue
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
        # a straight " after „ is a (keyboard) closing quote: „Valed," ütles ta.
        closers = text.count("“") + text.count("”") + text.count('"')
        if low != closers and not _shared_close(text, low, closers):
            out.append((f"{low} opening „ vs {closers} closing quote(s)", text.find("„")))
    else:
        left, right = text.count("“"), text.count("”")
        # One kind alone pairs up with itself when its marks open and close in turn: ”…” is
        # Finnish and Swedish usage, “…“ a slip of the opening mark's style, not a lost quote.
        if (left != right and left and right) or (
                not (left and right) and not _alternate(text, "“" if left else "”")):
            out.append(("unbalanced “ ”", max(text.find("“"), text.find("”"))))
    straight = text.count('"') - len(_MEASURE.findall(text))
    if not low and straight % 2:
        out.append(('odd number of "', text.find('"')))
    return out


def _alternate(text: str, mark: str) -> bool:
    """Whether each `mark` in turn opens (before a word, after a space) and closes (after a
    word): “labas“ pairs, “labas ir “viso does not."""
    opening = True
    for i, ch in enumerate(text):
        if ch != mark:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens = before.isspace() or before in "([" or not i
        if opens != opening or (opens and after.isspace()):
            return False
        opening = not opening
    return opening


def _shared_close(text: str, low: int, closers: int) -> bool:
    """A quotation inside a quotation that ends where it ends closes both with one mark, as
    Lithuanian writes it: „Jis atsakė: „Taip“, – pasakojo ji. One closer short, the quotes
    nested, and the last closer after the last „."""
    if low != closers + 1:
        return False
    depth = deepest = 0
    for ch in text:
        if ch == "„":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "“”\"" and depth:
            depth -= 1
    last_close = max(text.rfind("“"), text.rfind("”"), text.rfind('"'))
    # Both end there: only punctuation (and an attribution after a dash or comma) follows,
    # never more of the quotation ("„Mes sakėme „ne“ ir kartosime…" lost its close).
    after = text[last_close + 1:].lstrip()
    return deepest >= 2 and last_close > text.rfind("„") and (not after or after[0] in ",.;:!?–—-")


def check_brackets(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    sp, tp = problems(src), problems(tgt)
    if bool(sp) == bool(tp):
        return []
    side, probs = ("source", sp) if sp else ("target", tp)
    spans = tuple((i, i + 1) for _, i in probs if i >= 0)
    msg = f"the {side} has unbalanced brackets/quotes ({'; '.join(d for d, _ in probs)})"
    return [Hit("brackets", "minor", 0.4, msg,
                spans if side == "source" else (), spans if side == "target" else ())]


def balanced_in_context(texts: Sequence[str], i: int, reach: int = REACH) -> bool:
    """Whether `texts[i]` is balanced alone or inside a run of consecutive texts (at most
    `reach` + 1 of them) that is balanced as a whole: a quotation spanning sentences."""
    if not problems(texts[i]):
        return True
    for a in range(max(0, i - reach), i + 1):
        for b in range(max(i, a + 1), min(len(texts), a + reach + 1)):
            if not problems(" ".join(texts[a:b + 1])):
                return True
    return False


def document_brackets(pairs: Sequence[tuple[str, str]], hits: Sequence[tuple[Hit, ...]],
                      src_lang: str, tgt_lang: str) -> list[tuple[Hit, ...]]:
    """Drop a bead's hit where its unbalanced side is balanced in context (the quotation
    spans beads) or the other side is unbalanced in context too."""
    sides = ([s for s, _ in pairs], [t for _, t in pairs])
    out: list[tuple[Hit, ...]] = []
    for k, bead_hits in enumerate(hits):
        if bead_hits and (balanced_in_context(sides[0], k)
                          == balanced_in_context(sides[1], k)):
            bead_hits = ()
        out.append(bead_hits)
    return out


CHECK = CheckSpec("brackets", "brackets", check_brackets, document=document_brackets)
