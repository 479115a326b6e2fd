"""Link targets: a Markdown link's text is translated, where it points is not.

The Markdown reader strips a link's target from the analysed text (`[svetainėje](https://…)`
is analysed as "svetainėje") and keeps the markup in the sentence's `display`, so the URL
check, which reads the analysed text, never sees it. This pass reads the targets from the
display text of each aligned pair's sentences and compares where they point: the site (the
host of an absolute http(s) URL, without "www.") or the address of a `mailto:` link. Paths are
not compared, since a translation links its own language's page (`/lt/kainos` /
`/et/hinnad`), and neither are relative links and anchors (`#skyrius`). A target with no
counterpart on the other side is a `url` finding, critical like the URL check's, on the link
text; the URL check's switch (`[checks] urls`) turns this pass off too. Pure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from ..types import Document, Finding, Sentence, Span
from .context import PairContext

# An inline link or image: [text](target "title"), the target optionally in <...>.
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
# A reference-style link: [text][label], [label][] or [label] (the label defined elsewhere in
# the document as "[label]: target"); a shortcut counts only where its label is defined.
_REF_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\[([^\]\n]*)\])?(?![(:\[])")
# An inline HTML link in Markdown: <a href="target" …>text</a>.
_HTML_LINK = re.compile(r"<a\s[^<>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^<>]*>"
                        r"([^<]*)</a\s*>", re.IGNORECASE)
_HOST = re.compile(r"^(?:https?:)?//(?:www\.)?([^/?#:]+)", re.IGNORECASE)
CHECK = "urls"  # the registered check whose switch this pass follows


def target_key(href: str) -> str | None:
    """Where a link points, as far as translations must agree: an absolute URL's host (lower
    case, no "www."), a mailto: address; None for a relative link or an anchor."""
    if href.lower().startswith("mailto:"):
        return href[7:].split("?")[0].lower() or None
    m = _HOST.match(href)
    return m.group(1).lower().rstrip(".") if m else None


def _label(text: str) -> str:
    """A reference label as the Markdown parser keys it."""
    return " ".join(text.split()).upper()


def sentence_links(sentence: Sentence, references: Mapping[str, str] | None = None,
                   ) -> list[tuple[int, int, str]]:
    """(start, end, target) of each link in the sentence as given (Markdown inline, an HTML
    `<a href>`, or reference-style with its target in `references`, as `Document.link_targets`
    keys them): the link text's span in the analysed `text` (empty where it has no text), and
    its target."""
    if not sentence.display or not sentence.offsets:
        return []
    where = {o: i for i, o in reversed(list(enumerate(sentence.offsets[:-1])))}
    found = [(m.start(1), m.end(1), m.group(2), m.start())
             for m in _LINK.finditer(sentence.display)]
    found += [(m.start(4), m.end(4), m.group(1) or m.group(2) or m.group(3) or "", m.start())
              for m in _HTML_LINK.finditer(sentence.display)]
    for m in _REF_LINK.finditer(sentence.display) if references else ():
        href = references.get(_label(m.group(2) or m.group(1))) if references else None
        if href is not None:
            found.append((m.start(1), m.end(1), href, m.start()))
    out = []
    for start, end, href, _ in sorted(found, key=lambda f: f[3]):
        inside = [where[o] for o in range(start, end) if o in where]
        a = min(inside, default=0)
        b = max(inside, default=-1) + 1
        out.append((a, max(a, b), href))
    return out


def _links(doc: Document, ids: Sequence[int]) -> list[tuple[Span, str, str]]:
    """((sentence, start, end), target, key) of the pointing links of these sentences."""
    refs = dict(doc.link_targets)
    return [((i, a, b), href, key) for i in ids
            for a, b, href in sentence_links(doc.sentences[i], refs)
            if (key := target_key(href)) is not None]


def link_findings(ctx: PairContext) -> list[Finding]:
    """One `url` finding per link target of an aligned pair that the other side's links do
    not share (matched by `target_key`, as many times as they occur)."""
    if CHECK not in ctx.enabled_checks:
        return []
    out: list[Finding] = []
    for i in ctx.full:
        bead = ctx.beads[i]
        src, tgt = _links(ctx.source, bead.source), _links(ctx.target, bead.target)
        if not src and not tgt:
            continue
        left_s = Counter(k for _, _, k in src) - Counter(k for _, _, k in tgt)
        left_t = Counter(k for _, _, k in tgt) - Counter(k for _, _, k in src)
        for links, left, side in ((src, left_s, "source"), (tgt, left_t, "target")):
            for span, href, key in links:
                if not left[key]:
                    continue
                left[key] -= 1
                other = "target" if side == "source" else "source"
                out.append(Finding(
                    kind="url", severity="critical", score=0.95,
                    source=bead.source, target=bead.target,
                    source_spans=(span,) if side == "source" else (),
                    target_spans=(span,) if side == "target" else (),
                    message=f'a link in the {side} points to {href}; no link in the {other} '
                            f"points to {key}",
                    row=i))
    return out


__all__ = ["link_findings", "sentence_links", "target_key"]
