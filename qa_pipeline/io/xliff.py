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
mtype="x-sdl-deleted">) are shown, not analysed. A unit without a target is a 1-0 bead; a
unit marked translate="no" (or inside a <group> that is) is not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from .base import Inputs, ReaderSpec, ReadOptions
from .units import Unit, from_pieces, same_lang, units_to_inputs
from .xmlsafe import Piece, children, code_pieces, inline_pieces, local, parse_xml

CODES = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "sm", "em"})


def _markup(el: Any) -> Piece | list[Piece] | None:
    name = local(el.tag)
    if name == "cp":  # 2.x: a code point XML cannot hold
        try:
            return chr(int(el.get("hex", ""), 16)), True
        except ValueError:
            return "", True
    if name in CODES:
        return code_pieces(el)
    if name == "mrk" and el.get("mtype") == "x-sdl-deleted":  # a tracked deletion
        return "".join(el.itertext()), False
    return None


def _locked(unit: Any) -> bool:
    """translate="no" on the unit or a <group> around it: not for translation, not checked."""
    return any(e.get("translate") == "no" for e in (unit, *unit.iterancestors()))


def _text(el: Any | None) -> tuple[str, str, tuple[int, ...]] | None:
    return None if el is None else from_pieces(inline_pieces(el, _markup))


def _check_langs(path: Path, found_src: str, found_tgt: str, src_lang: str,
                 tgt_lang: str) -> None:
    bad = [(what, got, want) for what, got, want in
           (("source", found_src, src_lang), ("target", found_tgt, tgt_lang))
           if got and not same_lang(got, want)]
    if bad:
        said = "; ".join(f"its {w} language is {g!r}, not {x!r}" for w, g, x in bad)
        raise InputError(f"{path}: {said}. Set --src-lang {found_src or src_lang} "
                         f"--tgt-lang {found_tgt or tgt_lang}")


def _units_12(path: Path, root: Any, src_lang: str, tgt_lang: str
              ) -> list[tuple[Unit, str]]:
    units: list[tuple[Unit, str]] = []
    for file in children(root, "file"):
        _check_langs(path, file.get("source-language", ""), file.get("target-language", ""),
                     src_lang, tgt_lang)
        for tu in file.iter("{*}trans-unit", "trans-unit"):
            if _locked(tu):
                continue
            target = next(children(tu, "target"), None)
            seg_source = next(children(tu, "seg-source"), None)
            uid = tu.get("id", "")
            if seg_source is not None and (target is None or _seg_marks(target)):
                # Segmented (Trados, Okapi): one unit per segment. A target written whole
                # (no segment marks) is checked against the whole source instead.
                units += [(u, f"{uid}#{mid}") for u, mid in _segments(seg_source, target)]
                continue
            units.append(((_text(next(children(tu, "source"), None)), _text(target)), uid))
    return units


def _seg_marks(el: Any | None) -> dict[str, Any]:
    """{mid: <mrk mtype="seg">} of a <seg-source> or <target>, in document order."""
    if el is None:
        return {}
    return {m.get("mid", ""): m for m in el.iter("{*}mrk", "mrk") if m.get("mtype") == "seg"}


def _segments(seg_source: Any, target: Any | None) -> list[tuple[Unit, str]]:
    """A segmented 1.2 unit: each source segment against the target segment of the same mid
    (none: untranslated), with its mid, then each target segment whose mid no source segment
    has (an addition, not text to lose); what lies between segments (spaces, codes) is not
    text."""
    targets = _seg_marks(target)
    sources = _seg_marks(seg_source)
    return [((_text(mark), _text(targets.get(mid))), mid) for mid, mark in sources.items()] + [
        ((None, _text(mark)), mid) for mid, mark in targets.items() if mid not in sources]


def _units_2(path: Path, root: Any, src_lang: str, tgt_lang: str
             ) -> list[tuple[Unit, str]]:
    _check_langs(path, root.get("srcLang", ""), root.get("trgLang", ""), src_lang, tgt_lang)
    units: list[tuple[Unit, str]] = []
    for seg in root.iter("{*}segment"):
        if _locked(seg):
            continue
        unit = seg.getparent()
        uid = unit.get("id", "") if unit is not None else ""
        sid = seg.get("id", "")
        units.append(((_text(next(children(seg, "source"), None)),
                       _text(next(children(seg, "target"), None))),
                      f"{uid}#{sid}" if sid else uid))
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
    return units_to_inputs(path, src_lang, tgt_lang, [u for u, _ in units], encoding,
                           [uid for _, uid in units])


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
