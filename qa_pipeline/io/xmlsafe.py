"""Hardened XML parsing for TMX and XLIFF, and the inline-markup walk both formats share.

The parser never resolves entities, never loads a DTD or anything from the network, and keeps
libxml2's limits on (no `huge_tree`); a document that declares entities at all (the
billion-laughs and XXE shapes) is refused with a clear error rather than parsed partly.
Syntax errors name the line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from .decode import read_bytes
from .text import MAX_BYTES

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_xml(path: Path) -> tuple[Any, str]:
    """The root element of `path` and the document's encoding."""
    from lxml import etree

    data = read_bytes(path, MAX_BYTES)
    if _ENTITY_DECL.search(data):
        raise InputError(f"{path}: declares XML entities (<!ENTITY>); refused, since entity "
                         "expansion and external entities are unsafe. Remove the DOCTYPE")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as e:
        line, col = e.position if e.position else (0, 0)
        raise InputError(f"{path}:{line}:{col}: malformed XML: {e.msg}") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{path}: declares XML entities; refused (entity expansion and "
                         "external entities are unsafe). Remove the DOCTYPE")
    return tree.getroot(), tree.docinfo.encoding or "utf-8"


def local(tag: Any) -> str:
    """The element name without its namespace ('' for comments and the like)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(el: Any, name: str) -> Iterator[Any]:
    return (c for c in el if local(c.tag) == name)


# (text, True): translatable text; (text, False): markup, shown only; (text, "…"): shown as
# the text, analysed as the second string (`units.from_pieces`).
Piece = tuple[str, bool | str]


def inline_pieces(el: Any, markup: Callable[[Any], Piece | list[Piece] | None],
                  ) -> list[Piece]:
    """The (text, translatable) pieces of a segment element: its text, each child either
    turned into pieces by `markup` (inline codes: one piece, or several, e.g. a line-break
    code and the word boundary it stands for) or walked into (None: a wrapper such as <g>,
    <pc>, <hi>, <mrk>), and the tails."""
    from lxml import etree

    out: list[Piece] = []
    if el.text:
        out.append((el.text, True))
    for child in el:
        if isinstance(child.tag, str):
            piece = markup(child)
            if piece is None:
                out.append((_open_tag(child, etree), False))
                out.extend(inline_pieces(child, markup))
                out.append((f"</{local(child.tag)}>", False))
            elif isinstance(piece, list):
                out.extend(piece)
            else:
                out.append(piece)
        if child.tail:
            out.append((child.tail, True))
    return out


def _open_tag(el: Any, etree: Any) -> str:
    attrs = "".join(f' {local(k)}="{v}"' for k, v in el.attrib.items())
    return f"<{local(el.tag)}{attrs}>"


# An inline code that stands for a line break or a tab (XLIFF 1.2 ctype="lb", 2.x
# subType="xlf:lb", or native code such as <br/>, Word's <w:br/> / <w:tab/>): the words on
# either side are separate words.
_BREAK_CODE = re.compile(r"<br\b|<w:br\b|<w:tab\b|\\n|\n|\t", re.IGNORECASE)


def is_break_code(el: Any) -> bool:
    if el.get("ctype") == "lb" or el.get("subType") == "xlf:lb":
        return True
    said = " ".join(filter(None, ("".join(el.itertext()), el.get("equiv"), el.get("disp"),
                                  el.get("equiv-text"))))
    return bool(_BREAK_CODE.search(said))


def code_pieces(el: Any) -> Piece | list[Piece]:
    """An inline code as pieces: shown, not analysed; a break code also separates words."""
    shown = (code_text(el), False)
    return [shown, (" ", True)] if is_break_code(el) else shown


def code_text(el: Any) -> str:
    """An inline code element as shown: its native code content, or the empty tag."""
    text = "".join(el.itertext())
    if text:
        return text
    attrs = "".join(f' {local(k)}="{v}"' for k, v in el.attrib.items())
    return f"<{local(el.tag)}{attrs}/>"


# Markup written as text where the unit's datatype says its text is HTML or XML (escaped as
# "&lt;b&gt;" or in CDATA): a tag, a comment, an entity.
MARKUP_DATATYPES = frozenset({"html", "htmlbody", "xhtml", "xml", "sgml", "x-html", "x-xhtml"})
_ESCAPED = re.compile(r"<!--.*?-->|</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>"
                      r"|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);", re.DOTALL)
# Elements whose tags separate the words around them (a line break, a block).
_BLOCK_TAGS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3",
                         "h4", "h5", "h6", "hr", "table", "blockquote", "section", "dt", "dd"})


def escaped_markup(pieces: list[Piece]) -> list[Piece]:
    """`pieces` with the tags and entities written in their text (an HTML unit's "&lt;a
    href=…&gt;", "&amp;nbsp;") as markup: a tag shown only (a line break's or a block's
    also a space between words), an entity shown as written and read as its character."""
    from html import unescape

    out: list[Piece] = []
    for text, keep in pieces:
        if keep is not True:
            out.append((text, keep))
            continue
        pos = 0
        for m in _ESCAPED.finditer(text):
            if m.start() > pos:
                out.append((text[pos:m.start()], True))
            found = m.group()
            if found.startswith("&"):
                out.append((found, unescape(found)))
            else:
                name = re.match(r"</?([\w:.-]*)", found)
                block = name is not None and name.group(1).lower() in _BLOCK_TAGS
                out.append((found, " ") if block else (found, False))
            pos = m.end()
        if pos < len(text):
            out.append((text[pos:], True))
    return out
