"""Builders for the round-trip tests: the same lt/et pairs written as TSV, TMX 1.4, XLIFF 1.2,
XLIFF 2.0 and a Markdown pair, with inline markup around one word per unit."""

from __future__ import annotations

from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_PAIRS = ROOT / "data" / "inputs" / "seed_pairs.tsv"


def seed_pairs() -> list[tuple[str, str]]:
    lines = SEED_PAIRS.read_text("utf-8").splitlines()[1:]
    return [(s, t) for s, t in (line.split("\t") for line in lines)]


def _first_word(text: str) -> tuple[str, str, str]:
    head, _, rest = text.partition(" ")
    return "", head, " " + rest if rest else ""


def tmx_seg(text: str) -> str:
    a, w, b = _first_word(text)
    return (f'{escape(a)}<bpt i="1">&lt;b&gt;</bpt>{escape(w)}<ept i="1">&lt;/b&gt;</ept>'
            f"{escape(b)}")


def write_tmx(path: Path, pairs: list[tuple[str, str]], src: str = "lt-LT",
              tgt: str = "ET-ee") -> Path:
    tus = "".join(
        f'<tu><tuv xml:lang="{src}"><seg>{tmx_seg(s)}</seg></tuv>'
        f'<tuv xml:lang="{tgt}"><seg>{tmx_seg(t)}</seg></tuv></tu>\n' for s, t in pairs)
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                    f'srclang="{src}" datatype="plaintext" segtype="sentence" o-tmf="x" '
                    f'adminlang="en" creationtool="t" creationtoolversion="1"/>\n<body>\n{tus}'
                    "</body></tmx>\n", "utf-8")
    return path


def _xlf_inline(text: str, v2: bool) -> str:
    a, w, b = _first_word(text)
    if v2:
        return f'{escape(a)}<pc id="1">{escape(w)}</pc><ph id="2"/>{escape(b)}'
    return f'{escape(a)}<g id="1">{escape(w)}</g><x id="2"/>{escape(b)}'


def write_xliff12(path: Path, pairs: list[tuple[str, str]]) -> Path:
    units = "".join(f'<trans-unit id="{i}"><source>{_xlf_inline(s, False)}</source>'
                    f'<target>{_xlf_inline(t, False)}</target></trans-unit>\n'
                    for i, (s, t) in enumerate(pairs))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                    'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x" '
                    'source-language="lt" target-language="et-EE" datatype="plaintext"><body>\n'
                    f"{units}</body></file></xliff>\n", "utf-8")
    return path


def write_xliff20(path: Path, pairs: list[tuple[str, str]]) -> Path:
    units = "".join(f'<unit id="u{i}"><segment><source>{_xlf_inline(s, True)}</source>'
                    f'<target>{_xlf_inline(t, True)}</target></segment></unit>\n'
                    for i, (s, t) in enumerate(pairs))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" '
                    'xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="lt-LT" '
                    f'trgLang="et"><file id="f1">\n{units}</file></xliff>\n', "utf-8")
    return path


def write_tsv(path: Path, pairs: list[tuple[str, str]]) -> Path:
    path.write_text("lt\tet\n" + "".join(f"{s}\t{t}\n" for s, t in pairs), "utf-8")
    return path


def write_markdown(folder: Path, pairs: list[tuple[str, str]]) -> tuple[Path, Path]:
    """Each unit its own block: the first a heading, the rest paragraphs with a bold word."""
    out = []
    for side, name in ((0, "lt.md"), (1, "et.md")):
        blocks = []
        for k, pair in enumerate(pairs):
            a, w, b = _first_word(pair[side])
            blocks.append(f"# {pair[side]}" if k == 0 else f"{a}**{w}**{b}")
        p = folder / name
        p.write_text("\n\n".join(blocks) + "\n", "utf-8")
        out.append(p)
    return out[0], out[1]
