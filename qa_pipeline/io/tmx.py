"""TMX 1.4 translation memories: each <tu> is one pre-aligned unit.

The <tuv> of each side is the one whose xml:lang (or TMX 1.1's `lang`) matches --src-lang /
--tgt-lang case- and region-insensitively (`lt-LT` is `lt`), unless the file holds several
variants of that language (pt-BR and pt-PT, en-US and en-GB): then only the variant named
(`_accepted`); without them, the header's srclang and the file's one other language
(`tmx_langs`, through `ReaderSpec.declared_langs`).
Inline codes (<bpt>, <ept>, <it>, <ph>, <ut>) are kept for display and left out of the analysed
text; <hi> and <sub> are text.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..langs import canonical
from .base import Inputs, ReaderSpec, ReadOptions
from .units import Unit, from_pieces, same_lang, units_to_inputs
from .xmlsafe import XML_LANG, Piece, children, code_pieces, inline_pieces, local, parse_xml

CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})


def _markup(el: Any) -> Piece | list[Piece] | None:
    name = local(el.tag)
    if name in CODES:
        return code_pieces(el)
    return None  # hi, sub: translatable text inside


def _tag(tuv: Any) -> str:
    return str(tuv.get(XML_LANG) or tuv.get("lang") or "")


def _accepted(wanted: str, tags: Iterable[str], taken: frozenset[str] = frozenset()
              ) -> frozenset[str] | None:
    """The file's language tags (less those `taken` by the other side) that stand for
    `wanted`: every tag of its language where the file holds one variant of it (`lt` and
    `lt-LT` alike), else those naming `wanted` exactly (`pt-BR` beside `pt-PT`: matching the
    base code alone would take either side's <tuv>, whichever comes first); None where
    `wanted` names none of several variants."""
    same = {t for t in tags if t not in taken and same_lang(t, wanted)}
    variants = {key for key in map(_variant, same) if "-" in key}
    if len(variants) <= 1:
        return frozenset(same)
    return frozenset(t for t in same if _variant(t) == _variant(wanted)) or None


def _exact(wanted: str, tags: Iterable[str]) -> frozenset[str]:
    """The tags that name `wanted` with its variant ("en" is not "en-GB")."""
    return frozenset(t for t in tags if _variant(t) == _variant(wanted))


def _variant(tag: str) -> str:
    return canonical(tag.replace("_", "-")).lower()


def _sides(path: Path, tags: set[str], src_lang: str, tgt_lang: str
           ) -> tuple[frozenset[str], frozenset[str]]:
    """The tags of the source's and the target's <tuv>s (`_accepted`); a side that names its
    variant leaves the other side the rest (`pt-BR` and `pt`: `pt` is the file's other pt)."""
    src: frozenset[str] | None
    tgt: frozenset[str] | None
    if same_lang(src_lang, tgt_lang):  # en / en-GB: each side its own tag first
        src, tgt = _exact(src_lang, tags), _exact(tgt_lang, tags)
        if not src:
            src = frozenset(t for t in tags if same_lang(t, src_lang)) - tgt or None
        if not tgt:
            tgt = frozenset(t for t in tags if same_lang(t, tgt_lang)) - (src or set()) or None
    else:
        src = _accepted(src_lang, tags)
        tgt = _accepted(tgt_lang, tags, src or frozenset())
        if src is None and tgt is not None:
            src = _accepted(src_lang, tags, tgt)
    for lang, got, option in ((src_lang, src, "--src-lang"), (tgt_lang, tgt, "--tgt-lang")):
        if got is None:
            several = sorted({_variant(t): t for t in tags if same_lang(t, lang)}.values())
            raise InputError(f"{path}: it holds several variants of {lang} ("
                             f"{', '.join(several)}); set {option} to one of them")
    assert src is not None and tgt is not None
    return src, tgt


def read_tmx(path: Path, src_lang: str, tgt_lang: str,
             options: ReadOptions = ReadOptions()) -> Inputs:
    root, encoding = parse_xml(path)
    if local(root.tag) != "tmx":
        raise InputError(f"{path}: not a TMX file (root element <{local(root.tag)}>)")
    body = next(children(root, "body"), None)
    if body is None:
        raise InputError(f"{path}: TMX without a <body>")
    src_tags, tgt_tags = _sides(path, {_tag(tuv) for tu in children(body, "tu")
                                       for tuv in children(tu, "tuv")}, src_lang, tgt_lang)
    units: list[Unit] = []
    ids: list[str] = []
    seen: set[str] = set()
    for n, tu in enumerate(children(body, "tu"), start=1):
        sides: dict[str, Any] = {}
        langs: set[str] = set()
        for tuv in children(tu, "tuv"):
            lang = _tag(tuv)
            seen.add(lang)
            langs.add(lang)
            seg = next(children(tuv, "seg"), None)
            if seg is None:  # TMX requires one: a damaged file, not an empty translation
                raise InputError(f"{path}: <tu> {tu.get('tuid') or n}: its {lang or 'unnamed'} "
                                 "<tuv> has no <seg>")
            if lang in src_tags and "s" not in sides:
                sides["s"] = from_pieces(inline_pieces(seg, _markup))
            elif lang in tgt_tags and "t" not in sides:
                sides["t"] = from_pieces(inline_pieces(seg, _markup))
        # A <tu> without one of the two languages at all (a memory of more languages) says
        # nothing of this pair; one with an empty <seg> is untranslated, an omission.
        if langs & src_tags and langs & tgt_tags:
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
    several others: which is the target is then the user's to say); a regional variant of
    the source's language (pt-PT beside pt-BR) is another language here."""
    root, _ = parse_xml(path)
    header = next(children(root, "header"), None)
    src = header.get("srclang", "") if header is not None else ""
    if src == "*all*":
        src = ""
    tags = list(dict.fromkeys(t for t in map(_tag, root.iter("{*}tuv")) if t))
    ours = _accepted(src, tags) if src else None
    if ours is None:
        return src, ""
    if len(ours) > 1 and _exact(src, tags):  # "en" beside "en-GB": the header names one
        ours = _exact(src, tags)
    others = [t for t in tags if t not in ours]
    return src, others[0] if others and _accepted(others[0], others) == set(others) else ""


READER = ReaderSpec("tmx", (".tmx",), read_pairs=read_tmx, declared_langs=tmx_langs)
