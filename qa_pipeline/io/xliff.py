"""XLIFF 1.2 and 2.x bilingual files: each unit's source is checked against its target.

1.2: <file source-language target-language> / <trans-unit> / <source> <target>; a unit with a
<seg-source> (Trados's .sdlxliff, Okapi) is one unit per <mrk mtype="seg" mid>, each source
segment against the target segment of the same mid.
2.x: <xliff srcLang trgLang> / <unit> / <segment> / <source> <target>.
The file's languages must match --src-lang / --tgt-lang (region- and case-insensitively), which
default to the languages the file declares (`xliff_langs`).
Inline codes (1.2: x, bx, ex, ph, bpt, ept, it; 2.x: ph, sc, ec) are kept for display and left
out of the analysed text (one that stands for a line break or tab also separates the words
around it); <g>, <pc>, <mrk> wrap text, but Trados's tracked deletions (<mrk
mtype="x-sdl-deleted">) are no text: neither analysed nor shown. Where a 1.2 unit's datatype
(its own, its group's or its file's) is html, xhtml or xml, tags and entities written in its
text (escaped, "&lt;b&gt;", or in CDATA) are markup too (`xmlsafe.escaped_markup`).
A unit without a target is a 1-0 bead; a unit marked translate="no" (or inside a <group> that
is) is not checked. A target whose state says it is not translated yet (1.2: new,
needs-translation, needs-l10n; 2.x: initial) carries that state (`Sentence.untranslated`),
which the findings report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from .base import Inputs, ReaderSpec, ReadOptions
from .units import Unit, from_pieces, same_lang, units_to_inputs
from .xmlsafe import (
    MARKUP_DATATYPES,
    Piece,
    children,
    code_pieces,
    escaped_markup,
    inline_pieces,
    local,
    parse_xml,
)

CODES = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "sm", "em"})
# Target states that say the text is not translated yet (1.2: <target state>; 2.x: <segment
# state>, whose default "initial" counts only where written: a file that tracks no states
# says nothing). "needs-adaptation" (only non-text needs work) and the review states are
# translated text.
UNTRANSLATED_12 = frozenset({"new", "needs-translation", "needs-l10n"})
UNTRANSLATED_2 = frozenset({"initial"})
# One unit as read: its two sides, its id, and the state saying its target is untranslated.
Read = tuple[Unit, str, str]


def _markup(el: Any) -> Piece | list[Piece] | None:
    name = local(el.tag)
    if name == "cp":  # 2.x: a code point XML cannot hold
        try:
            return chr(int(el.get("hex", ""), 16)), True
        except ValueError:
            return "", True
    if name in CODES:
        return code_pieces(el)
    if name == "mrk" and el.get("mtype") == "x-sdl-deleted":  # a tracked deletion: gone
        return "", False
    return None


def _locked(unit: Any) -> bool:
    """translate="no" on the unit or a <group> around it: not for translation, not checked."""
    return any(e.get("translate") == "no" for e in (unit, *unit.iterancestors()))


def _text(el: Any | None, markup: bool = False) -> tuple[str, str, tuple[int, ...]] | None:
    """The sentence of a <source>, <target> or segment; `markup`: its text is HTML or XML, so
    tags and entities written in it are markup (`escaped_markup`)."""
    if el is None:
        return None
    pieces = inline_pieces(el, _markup)
    return from_pieces(escaped_markup(pieces) if markup else pieces)


def _is_markup(tu: Any) -> bool:
    """Whether the unit's datatype (its own, or its <group>'s or <file>'s) is HTML or XML."""
    kind = next((e.get("datatype") for e in (tu, *tu.iterancestors()) if e.get("datatype")), "")
    return kind.lower() in MARKUP_DATATYPES


def _check_langs(path: Path, found_src: str, found_tgt: str, src_lang: str,
                 tgt_lang: str) -> None:
    bad = [(what, got, want) for what, got, want in
           (("source", found_src, src_lang), ("target", found_tgt, tgt_lang))
           if got and not same_lang(got, want)]
    if bad:
        said = "; ".join(f"its {w} language is {g!r}, not {x!r}" for w, g, x in bad)
        raise InputError(f"{path}: {said}. Set --src-lang {found_src or src_lang} "
                         f"--tgt-lang {found_tgt or tgt_lang}")


def _units_12(path: Path, root: Any, src_lang: str, tgt_lang: str) -> list[Read]:
    units: list[Read] = []
    for file in children(root, "file"):
        _check_langs(path, file.get("source-language", ""), file.get("target-language", ""),
                     src_lang, tgt_lang)
        for tu in file.iter("{*}trans-unit", "trans-unit"):
            if _locked(tu):
                continue
            target = next(children(tu, "target"), None)
            seg_source = next(children(tu, "seg-source"), None)
            uid = tu.get("id", "")
            html = _is_markup(tu)
            said = target.get("state", "") if target is not None else ""
            state = said if said in UNTRANSLATED_12 else ""
            if seg_source is not None and (target is None or _seg_marks(target)):
                # Segmented (Trados, Okapi): one unit per segment. A target written whole
                # (no segment marks) is checked against the whole source instead.
                units += [(u, f"{uid}#{mid}", state)
                          for u, mid in _segments(seg_source, target, html)]
                continue
            units.append(((_text(next(children(tu, "source"), None), html),
                           _text(target, html)), uid, state))
    return units


def _seg_marks(el: Any | None) -> dict[str, Any]:
    """{mid: <mrk mtype="seg">} of a <seg-source> or <target>, in document order."""
    if el is None:
        return {}
    return {m.get("mid", ""): m for m in el.iter("{*}mrk", "mrk") if m.get("mtype") == "seg"}


def _segments(seg_source: Any, target: Any | None, html: bool) -> list[tuple[Unit, str]]:
    """A segmented 1.2 unit: each source segment against the target segment of the same mid
    (none: untranslated), with its mid, then each target segment whose mid no source segment
    has (an addition, not text to lose); what lies between segments (spaces, codes) is not
    text."""
    targets = _seg_marks(target)
    sources = _seg_marks(seg_source)
    return [((_text(mark, html), _text(targets.get(mid), html)), mid)
            for mid, mark in sources.items()] + [
        ((None, _text(mark, html)), mid) for mid, mark in targets.items() if mid not in sources]


def _units_2(path: Path, root: Any, src_lang: str, tgt_lang: str) -> list[Read]:
    _check_langs(path, root.get("srcLang", ""), root.get("trgLang", ""), src_lang, tgt_lang)
    units: list[Read] = []
    for seg in root.iter("{*}segment"):
        if _locked(seg):
            continue
        unit = seg.getparent()
        uid = unit.get("id", "") if unit is not None else ""
        sid = seg.get("id", "")
        state = seg.get("state", "")
        units.append(((_text(next(children(seg, "source"), None)),
                       _text(next(children(seg, "target"), None))),
                      f"{uid}#{sid}" if sid else uid, state if state in UNTRANSLATED_2 else ""))
    return units


def read_xliff(path: Path, src_lang: str, tgt_lang: str,
               options: ReadOptions = ReadOptions()) -> Inputs:
    root, encoding = parse_xml(path)
    if local(root.tag) != "xliff":
        raise InputError(f"{path}: not an XLIFF file (root element <{local(root.tag)}>)")
    version = root.get("version", "")
    if version.startswith("1."):
        units = _units_12(path, root, src_lang, tgt_lang)
    elif version.startswith("2."):
        units = _units_2(path, root, src_lang, tgt_lang)
    else:
        raise InputError(f"{path}: XLIFF version {version!r} is not supported (1.2, 2.x)")
    if not units:
        raise InputError(f"{path}: no translation units found")
    return units_to_inputs(path, src_lang, tgt_lang, [u for u, _, _ in units], encoding,
                           [uid for _, uid, _ in units],
                           untranslated=[state for _, _, state in units])


def xliff_langs(path: Path) -> tuple[str, str]:
    """The languages the file declares: 2.x's srcLang / trgLang, 1.2's first <file>'s."""
    root, _ = parse_xml(path)
    if root.get("version", "").startswith("2."):
        return root.get("srcLang", ""), root.get("trgLang", "")
    file = next(root.iter("{*}file"), None)
    if file is None:
        return "", ""
    return file.get("source-language", ""), file.get("target-language", "")


READER = ReaderSpec("xliff", (".xlf", ".xliff", ".sdlxliff", ".mqxliff"), read_pairs=read_xliff,
                    declared_langs=xliff_langs)
