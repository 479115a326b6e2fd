"""TMX 1.4 translation memories: each <tu> is one pre-aligned unit.

The <tuv> of each side is the one whose xml:lang (or TMX 1.1's `lang`) matches --src-lang /
--tgt-lang case- and region-insensitively (`lt-LT` is `lt`); without them, the header's
srclang and the file's one other language (`tmx_langs`, through `ReaderSpec.declared_langs`).
Inline codes (<bpt>, <ept>, <it>, <ph>, <ut>) are kept for display and left out of the analysed
text; <hi> and <sub> are text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from .base import Inputs, ReaderSpec, ReadOptions
from .units import Unit, from_pieces, same_lang, units_to_inputs
from .xmlsafe import XML_LANG, Piece, children, code_pieces, inline_pieces, local, parse_xml

CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})


def _markup(el: Any) -> Piece | list[Piece] | None:
    name = local(el.tag)
    if name in CODES:
        return code_pieces(el)
    return None  # hi, sub: translatable text inside


def read_tmx(path: Path, src_lang: str, tgt_lang: str,
             options: ReadOptions = ReadOptions()) -> Inputs:
    root, encoding = parse_xml(path)
    if local(root.tag) != "tmx":
        raise InputError(f"{path}: not a TMX file (root element <{local(root.tag)}>)")
    body = next(children(root, "body"), None)
    if body is None:
        raise InputError(f"{path}: TMX without a <body>")
    units: list[Unit] = []
    ids: list[str] = []
    seen: set[str] = set()
    for n, tu in enumerate(children(body, "tu"), start=1):
        sides: dict[str, Any] = {}
        langs: set[str] = set()
        for tuv in children(tu, "tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seen.add(lang)
            langs.add(lang)
            seg = next(children(tuv, "seg"), None)
            if seg is None:  # TMX requires one: a damaged file, not an empty translation
                raise InputError(f"{path}: <tu> {tu.get('tuid') or n}: its {lang or 'unnamed'} "
                                 "<tuv> has no <seg>")
            if same_lang(lang, src_lang) and "s" not in sides:
                sides["s"] = from_pieces(inline_pieces(seg, _markup))
            elif same_lang(lang, tgt_lang) and "t" not in sides:
                sides["t"] = from_pieces(inline_pieces(seg, _markup))
        # A <tu> without one of the two languages at all (a memory of more languages) says
        # nothing of this pair; one with an empty <seg> is untranslated, an omission.
        if any(same_lang(x, src_lang) for x in langs) and any(
                same_lang(x, tgt_lang) for x in langs):
            units.append((sides.get("s"), sides.get("t")))
            ids.append(tu.get("tuid") or f"tu {n}")
    if not any(s and s[0] for s, _ in units) or not any(t and t[0] for _, t in units):
        found = ", ".join(sorted({x.lower(): x for x in seen if x}.values(),
                                 key=str.lower)) or "none"
        raise InputError(f"{path}: no <tu> has a {src_lang} and a {tgt_lang} <tuv>; languages "
                         f"in the file: {found}. Set --src-lang/--tgt-lang to two of them")
    return units_to_inputs(path, src_lang, tgt_lang, units, encoding, ids)


def tmx_langs(path: Path) -> tuple[str, str]:
    """The header's srclang, and the one other language of the <tuv>s (none where there are
    several others: which is the target is then the user's to say)."""
    root, _ = parse_xml(path)
    header = next(children(root, "header"), None)
    src = header.get("srclang", "") if header is not None else ""
    if src == "*all*":
        src = ""
    others: list[str] = []
    for tuv in root.iter("{*}tuv"):
        lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
        if lang and not same_lang(lang, src) and not any(same_lang(lang, o) for o in others):
            others.append(lang)
    return src, others[0] if src and len(others) == 1 else ""


READER = ReaderSpec("tmx", (".tmx",), read_pairs=read_tmx, declared_langs=tmx_langs)
