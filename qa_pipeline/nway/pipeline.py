"""N-way analysis wired together: align every translation to one pivot, build the table,
gather pairwise evidence, blame, attach spans and messages.

Every text is embedded once: the aligners share the encoder (and its cache), and each pair's
context takes its vectors from the aligners' tables, so n translations cost about n pairwise
alignments of embedding, not n².
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np

from .. import __version__
from ..align import describe
from ..config import Config
from ..detect.checks.language import stored_in
from ..detect.spans import attribute
from ..embed import Encoder, revision_of
from ..errors import InputError
from ..io.normalise import NORMALISER
from ..rider_match import align_with_encoder
from ..segment import SEGMENTER
from ..types import SEVERITY_RANK, Document, Severity, Signature, Span
from .attribute import Blame, with_source, without_source
from .score import PairEvidence, agreement_gaps, pair_evidence
from .table import Row, build_rows
from .thresholds import load_nway_thresholds

StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class NwayFinding:
    kind: str
    severity: Severity
    score: float
    drifted: str | None  # the translation judged to have drifted; None: no majority
    row: int
    sentences: Mapping[str, tuple[int, ...]]  # language -> sentence ids in that row
    spans: Mapping[str, tuple[Span, ...]]  # language -> (sentence id, start, end)
    message: str
    id: str = ""  # unique in the report (kind, drifted language and the row's texts)
    fingerprint: str = ""  # the baseline's key: edits in other rows leave it unchanged
    baselined: bool = False  # accepted in the baseline: reported, never fails the gate


@dataclass(frozen=True)
class NwayReport:
    signature: Signature
    source: Document | None
    translations: tuple[Document, ...]
    rows: tuple[Row, ...]  # cells hold every translation's ids (the pivot's too)
    findings: tuple[NwayFinding, ...]


def choose_pivot(docs: Sequence[Document], encoder: Encoder) -> Document:
    """The translation closest to all the others (mean sentence vector, summed cosines)."""
    means = []
    for d in docs:
        v = encoder.encode(d.texts).mean(axis=0)
        means.append(v / max(float(np.linalg.norm(v)), 1e-12))
    m = np.stack(means)
    sims = m @ m.T
    return docs[int(np.argmax(sims.sum(axis=1)))]


def _quote(doc: Document, spans: Sequence[Span]) -> str:
    return ", ".join(f"“{doc.sentences[s].text[a:b]}”" for s, a, b in spans[:3])


def _quotes(docs: Mapping[str, Document], spans: Mapping[str, Sequence[Span]],
            langs: Sequence[str]) -> str:
    """Each language's quoted spans: "lt “1870”; lv “1870”" (a language with none: "none")."""
    return "; ".join(f"{x} {_quote(docs[x], spans[x]) if spans.get(x) else 'none'}"
                     for x in langs)


def _and(xs: Sequence[str]) -> str:
    if not xs:
        return "the others"
    return xs[0] if len(xs) == 1 else ", ".join(xs[:-1]) + " and " + xs[-1]


class _Finder:
    """Attaches sentences, spans and a message to each Blame."""

    def __init__(self, source: Document | None, docs: Mapping[str, Document],
                 rows: Sequence[Row], evidence: Mapping[tuple[str, str], PairEvidence],
                 encoder: Encoder, occlusion: tuple[str, int, int],
                 judges: Sequence[str] | None = None) -> None:
        self.source, self.docs, self.rows = source, docs, rows
        self.evidence, self.encoder, self.occlusion = evidence, encoder, occlusion
        # The translations that judged the others (not one in the wrong language).
        self.judges = list(docs) if judges is None else list(judges)

    def _pair(self, x: str) -> PairEvidence | None:
        """The evidence that judged `x`: against the source, or x's first pair with a judge."""
        if self.source is not None:
            return self.evidence.get((self.source.lang, x))
        return next((e for (a, b), e in self.evidence.items()
                     if x in (a, b) and {a, b} <= set(self.judges)), None)

    def _drift_spans(self, ev: PairEvidence, r: int, x: str) -> dict[str, tuple[Span, ...]]:
        """Occlusion spans on `x`'s side of its pair (only blamed cells pay for occlusion)."""
        ctx = ev.context
        k = ctx.full.index(ev.row_bead[r])
        s_side, t_side = ctx.source_sides[k], ctx.target_sides[k]
        (s_ev, t_ev), = attribute([(s_side.text, t_side.text)], ctx.source_vecs[[k]],
                                  ctx.target_vecs[[k]], self.encoder, *self.occlusion)
        limit = ev.result.thresholds.get("span_gain", 0.0)
        side, side_ev, doc = ((t_side, t_ev, ctx.target) if ev.pair[1] == x
                              else (s_side, s_ev, ctx.source))
        if side_ev.span is None or side_ev.gain < limit:
            return {}
        return {x: side.sentence_spans(doc, [side_ev.span])}

    def _check_spans(self, ev: PairEvidence, r: int, kind: str) -> dict[str, tuple[Span, ...]]:
        src: list[Span] = []
        tgt: list[Span] = []
        for m in ev.marks.get(r, ()):
            if m.kind == kind:
                src += m.a
                tgt += m.b
        out = {ev.pair[1]: tuple(tgt)} if tgt else {}
        if src:
            out[ev.pair[0]] = tuple(src)
        return out

    def finding(self, b: Blame) -> NwayFinding:
        row = self.rows[b.row]
        sentences: dict[str, tuple[int, ...]] = {}
        if self.source is not None and row.pivot:
            sentences[self.source.lang] = row.pivot
        for lang, ids in row.cells.items():
            if ids:
                sentences[lang] = ids
        spans: dict[str, tuple[Span, ...]] = {}
        x = b.drifted
        peers = [y for y in self.judges if y != x and row.cells[y]]
        ev = self._pair(x) if x is not None else None
        if b.spans:  # a mention-level blame: the mentions it compared
            spans = {lang: sp for lang, sp in b.spans if sp}
        elif b.kind in ("omission", "addition"):
            if b.kind == "addition" and x is not None:
                doc = self.docs[x]
                spans[x] = tuple((i, 0, len(doc.sentences[i].text)) for i in row.cells[x])
            elif b.kind == "omission" and self.source is not None and row.pivot:
                spans[self.source.lang] = tuple(
                    (i, 0, len(self.source.sentences[i].text)) for i in row.pivot)
        elif b.kind == "drift" and ev is not None and b.row in ev.row_bead:
            spans = self._drift_spans(ev, b.row, x or "")
        elif ev is not None and b.row in ev.row_bead:
            spans = self._check_spans(ev, b.row, b.kind)
        elif b.about and self.source is not None:  # no name: each cell it is about
            for y in b.about:
                e = self._pair(y)
                if e is None or b.row not in e.row_bead:
                    continue
                got = (self._drift_spans(e, b.row, y) if b.kind == "drift"
                       else self._check_spans(e, b.row, b.kind))
                spans.update({k: v for k, v in got.items() if k == y or k not in spans})
        return NwayFinding(b.kind, b.severity, b.score, x, b.row, sentences, spans,
                           self._message(b, peers, spans))

    def _message(self, b: Blame, peers: Sequence[str], spans: Mapping[str, Sequence[Span]]
                 ) -> str:
        x = b.drifted
        has_src = self.source is not None
        if x is None:
            which = _and(list(b.about))
            if b.evidence == "unclear":
                return (f"{which} {'departs' if len(b.about) == 1 else 'depart'} from the source "
                        f"here (drift {b.score:.2f}) without standing out from "
                        f"{_and([y for y in peers if y not in b.about])}: which translation "
                        "drifted is not clear")
            if b.evidence == "shared":
                return (f"{b.kind}: the {b.kind} check fires against the source for {which}; "
                        "which translation is wrong is not clear")
            if b.evidence == "all-differ":
                return ("every translation departs from the source here: the source sentence "
                        "may be the problem")
            if b.evidence == "no-majority" or not has_src:
                return "the translations disagree here and no majority exists"
            # One translation judged in this row (the others lack it, or are in the wrong
            # language): it departs from the source, with no peer to tell who is right.
            what = f"drift {b.score:.2f}" if b.kind == "drift" else b.evidence
            return (f"the one translation judged here departs from the source ({what}); no "
                    "other translation to compare it with")
        quote = _quote(self.docs[x], spans[x]) if spans.get(x) else ""
        who = (f"{x} diverges from the source" + (f" and from {_and(peers)}" if peers else "")
               if has_src else f"{x} diverges from {_and(peers)}" + (
                   f", which agree with each other ({_quotes(self.docs, spans, peers)})"
                   if b.spans and any(spans.get(y) for y in peers)
                   else ", which agree with each other"))
        if b.kind == "drift":
            detail = f": {quote} has no counterpart" if quote else ""
            return f"{who}{detail} (drift {b.score:.2f})"
        if b.kind in ("omission", "addition"):
            return f"{b.evidence}; {who}"
        return f"{b.kind}: {b.evidence}; {who}" + (f": {quote}" if quote else "")


@dataclass(frozen=True)
class NwayEvidence:
    """Everything the attribution reads: the table, the vectors the aligners embedded, each
    compared pair's evidence and the agreement gaps."""

    source: Document | None
    translations: tuple[Document, ...]
    rows: tuple[Row, ...]
    vectors: Mapping[str, np.ndarray]
    pairs: Mapping[tuple[str, str], PairEvidence]  # (source or a, translation or b) -> evidence
    gaps: Mapping[tuple[int, str], float]
    aligner: str = ""  # the alignments' settings as the signature names them

    @property
    def langs(self) -> list[str]:
        return [d.lang for d in self.translations]


def gather_evidence(source: Document | None, translations: Sequence[Document],
                    encoder: Encoder, config: Config,
                    progress: StageProgress | None = None) -> NwayEvidence:
    """Align every translation to the pivot, build the table, score every compared pair."""
    langs = [d.lang for d in translations]
    if len(set(langs)) != len(langs):
        raise InputError(f"each translation needs its own language; got {', '.join(langs)}")
    if source is None and len(translations) < 3:
        raise InputError("n-way without a source needs at least three translations")
    if source is not None and source.lang in langs:
        raise InputError(f"the source language {source.lang} is also a translation's")
    pivot = source if source is not None else choose_pivot(translations, encoder)
    others = [d for d in translations if d.lang != pivot.lang]
    aligned = {}
    vectors: dict[str, np.ndarray] = {}
    for n, d in enumerate(others):
        if progress:
            progress("align", n, len(others))
        aligned[d.lang] = align_with_encoder(pivot, d, encoder, config.align)
        vectors.update(aligned[d.lang].vectors)
    if progress:
        progress("align", len(others), len(others))
    rows = build_rows(len(pivot.sentences), {k: v.sentences for k, v in aligned.items()})
    if source is None:  # the pivot is a translation: its ids become its own column
        rows = tuple(Row((), {**r.cells, pivot.lang: r.pivot}) for r in rows)
    rows = tuple(Row(r.pivot, {lang: r.cells[lang] for lang in langs}) for r in rows)
    evidence: dict[tuple[str, str], PairEvidence] = {}
    pairs = ([(source, d) for d in translations] if source is not None
             else list(combinations(translations, 2)))
    for n, (a, b) in enumerate(pairs):
        if progress:
            progress("drift", n, len(pairs))
        evidence[(a.lang, b.lang)] = pair_evidence(
            a, b, rows, source.lang if source is not None else "", vectors, encoder,
            config.checks, config.drift)
    if progress:
        progress("drift", len(pairs), len(pairs))
    gaps = agreement_gaps(rows, {d.lang: d for d in translations}, vectors, encoder)
    # Every translation was aligned to the pivot with the same settings.
    aligner = describe(next(iter(aligned.values())).params)
    return NwayEvidence(source, tuple(translations), rows, vectors, evidence, gaps, aligner)


# N-way scores drift without word tags: the command line says so (a note, not an error, so
# that one set of batch settings serves pairwise and n-way documents alike).
WORD_TAGGER_NOTE = "--word-tagger is not used in n-way mode"


def analyse_nway(source: Document | None, translations: Sequence[Document], encoder: Encoder,
                 config: Config, progress: StageProgress | None = None) -> NwayReport:
    # The encoder's cache also keeps the language check's confidences (a CachedEncoder's).
    with stored_in(getattr(encoder, "cache", None)):
        return report_from(gather_evidence(source, translations, encoder, config, progress),
                           encoder, config)


def report_from(ev: NwayEvidence, encoder: Encoder, config: Config) -> NwayReport:
    """Blame, spans, messages and the signature for gathered evidence."""
    from .document import fold_wrong_language, wrong_language_verdicts

    source, rows, langs = ev.source, ev.rows, ev.langs
    th = load_nway_thresholds(encoder.name)
    # A translation in the wrong language is one document finding and no judge of the others.
    verdicts = wrong_language_verdicts(langs, ev.pairs, source.lang if source else "")
    judged = [x for x in langs if x not in verdicts]  # (the source's verdict is under "")
    if source is not None:
        blames = with_source(rows, judged, {b: e for (_, b), e in ev.pairs.items()
                                            if b in judged}, ev.gaps, th)
        if len(judged) == 1:  # one translation against its source: a pair; it is the one
            blames = [replace(b, drifted=judged[0]) if b.drifted is None else b
                      for b in blames]
    else:
        blames = without_source(rows, judged, {k: e for k, e in ev.pairs.items()
                                               if not set(k) & set(verdicts)}, ev.gaps, th)
    finder = _Finder(source, {d.lang: d for d in ev.translations}, rows, ev.pairs, encoder,
                     (config.drift.occlusion, config.drift.occlusion_shortlist,
                      config.drift.occlusion_refine_shortlist), judged)
    found = fold_wrong_language([finder.finding(b) for b in blames], verdicts)
    findings = identify(sorted(found, key=lambda f: (-SEVERITY_RANK[f.severity], -f.score,
                                                     f.row, f.kind, f.drifted or "")),
                        source, {d.lang: d for d in ev.translations}, rows)
    first = next(iter(ev.pairs.values()))
    signature = Signature(
        version=__version__, model=encoder.name, model_revision=revision_of(encoder),
        segmenter=SEGMENTER,
        thresholds={**first.result.thresholds, "nway_margin": th.margin,
                    "nway_agreement_margin": (th.agreement_margin if source is not None
                                              else th.agreement_margin_no_source)},
        drift_model=f"{first.result.model_id}+{th.model_id}",
        aligner=ev.aligner, normaliser=NORMALISER,
    )
    return NwayReport(signature, source, ev.translations, rows, tuple(findings))


def identify(findings: Sequence[NwayFinding], source: Document | None,
             docs: Mapping[str, Document], rows: Sequence[Row]) -> list[NwayFinding]:
    """Each finding's id and fingerprint, as for pairwise findings (`detect.findings`): the
    kind and the judged language, the row's source text and the drifted cell's text (every
    cell's when no translation is named); repeats get -1, -2 (fingerprints numbered in row
    order, so edits elsewhere do not renumber them)."""
    from ..detect.findings import finding_id, fingerprint

    def texts(f: NwayFinding) -> tuple[str, list[str], list[str]]:
        row = rows[f.row]
        src = [source.sentences[i].text for i in row.pivot] if source is not None else []
        langs = [f.drifted] if f.drifted is not None else list(docs)
        tgt = [docs[x].sentences[i].text for x in langs for i in row.cells[x]]
        return f"{f.kind}:{f.drifted or '-'}", src, tgt

    out = [replace(f, id=finding_id(*texts(f)), fingerprint=fingerprint(*texts(f)))
           for f in findings]
    in_rows = sorted(range(len(out)), key=lambda i: (out[i].row, i))
    fp = dict(zip(in_rows, _numbered([out[i].fingerprint for i in in_rows]), strict=True))
    ids = _numbered([f.id for f in out])
    return [replace(f, id=ids[i], fingerprint=fp[i]) for i, f in enumerate(out)]


def _numbered(values: Sequence[str]) -> list[str]:
    """`values` made unique: repeats get a -1, -2 suffix in order."""
    seen: dict[str, int] = {}
    out = []
    for v in values:
        n = seen.get(v, 0)
        seen[v] = n + 1
        out.append(f"{v}-{n}" if n else v)
    return out


def mark_baselined(report: NwayReport, accepted: Collection[str]) -> NwayReport:
    """The report with every finding whose fingerprint is in `accepted` marked baselined."""
    return replace(report, findings=tuple(replace(f, baselined=f.fingerprint in accepted)
                                          for f in report.findings))
