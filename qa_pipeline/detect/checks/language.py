"""Wrong language or untranslated text: each side must be in its declared language, and the
target must not be a copy of the source.

Detection uses lingua (offline; its models ship in the wheel), weighing each side only
against the languages it could plausibly be in instead (`langs.plausible_languages`: the
pair's, their neighbours and confusables, English). That bounds the cost and avoids
confusions with distant languages. One detector per candidate set is built on first use and
kept for the process.

The detector runs in lingua's low-accuracy mode (trigram models only). Its high-accuracy mode
loads 1- to 5-gram models, ~0.27 s and ~40 MB per Latin-script candidate: 1.9 s of a cold
seed `check`. On NTREX-128 (`bench/language_candidates.py`, 1,997 lt–et pairs, every other
language put in as the Estonian target) the low mode flags as many wrong-language targets or
more (en 1,781 against 1,640, de 1,779 against 1,739; fi, lv, pl, ru within 3) and one clean
pair against none (an English title written unquoted in the Estonian target), and loads in
under 0.1 s.

lingua's confidences are a pure function of (lingua version, mode, candidates, text), so they are
memoised for the process and, inside `stored_in(cache)`, kept in the embedding cache's
records: a rerun over texts already judged loads no language model at all.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...embed import release_freed_memory
from ...langs import cyrillic_neighbours, impossible_in, plausible_languages
from ...text import word_key
from .base import CheckSpec, Hit, base_lang, word_count

if TYPE_CHECKING:
    from ...cache import EmbeddingCache

MIN_WORDS = 4
# A side is flagged only when the detector is sure of another language and gives the declared
# one almost nothing: names and quoted titles otherwise tip short sentences.
MIN_OTHER_CONFIDENCE = 0.9
MAX_DECLARED_CONFIDENCE = 0.05
# A side whose words are at least this share capitalised is Title Case or shouted: judged in
# lower case (names would otherwise take every word away).
TITLE_CASE_SHARE = 0.8
# lingua's detection mode, part of every stored confidence's key.
ACCURACY = "low"
# Confidences kept in memory per process (a few hundred bytes each).
MEMO_LIMIT = 50_000
RECORD_KIND = "lingua-confidence"

_CAPS_OR_QUOTED = re.compile(r"„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"|\b[A-Z]\w*")
# Words that are code or markup, not language: a command-line option, a path, an identifier
# with an underscore or a digit, a tag ("--fail-on", "src/main.py", "max_len", "h2o").
_CODE_LIKE = re.compile(r"\S*(?:--|[_/\\@#=<>{}\[\]|~^*`]|\w\d|\d\w|[^\W\d]\.[^\W\d_]{2,4}\b)\S*")
_EDGE = ".,;:!?\"'“”„«»()[]"  # what a word may carry around it


@lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    """The ISO 639-1 codes lingua has models for."""
    from lingua import Language

    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())


@lru_cache(maxsize=1)
def _lingua_version() -> str:
    from importlib.metadata import version

    return version("lingua-language-detector")


def detector_id() -> str:
    """lingua's version and mode: what the confidences depend on besides candidates and text
    (in the stored records' keys and the batch runs' input key)."""
    return f"lingua-{_lingua_version()}/{ACCURACY}"


@lru_cache(maxsize=64)
def candidates(src_lang: str, tgt_lang: str) -> tuple[str, ...]:
    """The languages a side of this pair is weighed against: the plausible ones lingua knows."""
    return tuple(c for c in plausible_languages(src_lang, tgt_lang) if c in known_languages())


@lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, c.upper()) for c in codes]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    if ACCURACY == "low":
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def release_models() -> None:
    """Unload the n-gram models the detectors loaded (lingua keeps them for the process:
    ~5 MB of trigram models for the 8 candidates of lt/et in the low-accuracy mode, ~275 MB
    in the high one) and drop the detectors; a later detection loads what it needs again."""
    for codes in _BUILT:
        _detector(codes).unload_language_models()
    _BUILT.clear()
    _detector.cache_clear()
    release_freed_memory()


_BUILT: set[tuple[str, ...]] = set()  # the candidate sets a detector was used for


# (the store's path or "", candidates, text) -> confidences
_MEMO: dict[tuple[str, tuple[str, ...], str], dict[str, float]] = {}
_STORE: ContextVar[EmbeddingCache | None] = ContextVar("qa_language_store", default=None)


@contextlib.contextmanager
def stored_in(cache: EmbeddingCache | None) -> Iterator[None]:
    """Within the block (in this thread or task), confidences are read from and written to
    `cache`'s records; None keeps them in memory only."""
    token = _STORE.set(cache)
    try:
        yield
    finally:
        _STORE.reset(token)


def confidences(text: str, codes: tuple[str, ...]) -> dict[str, float]:
    """ISO 639-1 code -> lingua confidence, over the candidate languages `codes`."""
    store = _STORE.get()
    memo_key = ("" if store is None else str(store.path), codes, text)
    if memo_key in _MEMO:
        return _MEMO[memo_key]
    key = ""
    conf: dict[str, float] | None = None
    if store is not None:
        from ...cache import record_key

        key = record_key(RECORD_KIND, detector_id(), ",".join(codes), text)
        found = store.get_records([key]).get(key)
        conf = json.loads(found) if found is not None else None
    if conf is None:
        _BUILT.add(codes)
        values = _detector(codes).compute_language_confidence_values(text)
        conf = {v.language.iso_code_639_1.name.lower(): float(v.value) for v in values}
        if store is not None:
            store.put_records({key: json.dumps(conf)})
    if len(_MEMO) >= MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[memo_key] = conf
    return conf


def _without_code(text: str) -> str:
    """The text without its addresses (URLs, e-mails) and its code and markup words."""
    from .urls import extract

    for _, a, b in reversed(extract(text)):
        text = text[:a] + " " + text[b:]
    return _CODE_LIKE.sub(" ", text)


def running_text(text: str) -> str:
    """What the language is judged on: the text without its addresses, code and markup words
    (`_without_code`), names and quoted titles (often foreign)."""
    # Capitalised words go, a sentence's first too: it is a name as often as not ("Trumpi",
    # "Dianne", "The High Breed" read as Finnish and English when it stayed).
    return _CAPS_OR_QUOTED.sub(" ", _without_code(text))


# The writing systems of languages not written in Latin letters (Unicode names' first word);
# any other language is expected in Latin letters.
_SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "kk", "mn", "ky", "tg"),
                    frozenset({"CYRILLIC"})),
    "sr": frozenset({"CYRILLIC", "LATIN"}), "el": frozenset({"GREEK"}),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), frozenset({"ARABIC"})),
    "he": frozenset({"HEBREW"}), "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "zh": frozenset({"CJK"}), "ko": frozenset({"HANGUL", "CJK"}),
    **dict.fromkeys(("hi", "mr", "ne"), frozenset({"DEVANAGARI"})),
    "th": frozenset({"THAI"}), "ka": frozenset({"GEORGIAN"}), "hy": frozenset({"ARMENIAN"}),
    "bn": frozenset({"BENGALI"}), "ta": frozenset({"TAMIL"}), "te": frozenset({"TELUGU"}),
}
MIN_SCRIPT_LETTERS = 10  # letters a side needs before its writing system is judged


def foreign_script(text: str, lang: str) -> str | None:
    """The writing system most of `text`'s letters are in, where it is not `lang`'s (a
    Japanese or Cyrillic text declared Estonian): language identification weighs only the
    plausible languages (`langs.CONFUSABLE`), so it cannot name such a text."""
    import unicodedata

    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split()[0]
            counts[script] = counts.get(script, 0) + 1
    total = sum(counts.values())
    if total < MIN_SCRIPT_LETTERS:
        return None
    expected = _SCRIPTS.get(base_lang(lang), frozenset({"LATIN"}))
    foreign = {k: n for k, n in counts.items() if k not in expected}
    if sum(foreign.values()) < 0.6 * total:
        return None
    if "HIRAGANA" in foreign or "KATAKANA" in foreign:  # kana beside the kanji: Japanese
        return "Japanese"
    top = max(foreign, key=lambda k: foreign[k])
    return {"CJK": "Chinese", "HANGUL": "Korean"}.get(top, top.capitalize())


def _side_hit(text: str, lang: str, side: str, codes: tuple[str, ...],
              shared: frozenset[str] = frozenset()) -> Hit | None:
    lang = base_lang(lang)
    body = " ".join(w for w in running_text(text).split() if w.strip(_EDGE) not in shared)
    script = foreign_script(body, lang)
    if script is not None:
        span = ((0, len(text)),)
        return Hit("language", "major", 0.95,
                   f"the {side} looks like {script} writing, not {lang}",
                   span if side == "source" else (), span if side == "target" else ())
    if lang not in codes or len(codes) < 2:
        return None
    if word_count(body) < MIN_WORDS:
        # Title Case or capitals throughout ("Privacy Policy And Terms Of Use"): dropping
        # capitalised words as names leaves nothing, so the words are judged in lower case.
        words_ = [w for w in _without_code(text).split() if w.strip(_EDGE)[:1].isalpha()]
        capital = [w for w in words_ if w.strip(_EDGE)[:1].isupper()]
        if len(words_) < MIN_WORDS or len(capital) < TITLE_CASE_SHARE * len(words_):
            return None
        body = " ".join(w.lower() for w in words_ if w.strip(_EDGE) not in shared)
        if word_count(body) < MIN_WORDS:
            return None
    conf = confidences(body, codes)
    top = max(conf, key=lambda k: conf[k])
    if top == lang or conf[top] < MIN_OTHER_CONFIDENCE:
        return None
    if conf.get(lang, 0.0) > MAX_DECLARED_CONFIDENCE:
        return None
    if cyrillic_neighbours(top, lang) and not impossible_in(body, lang):
        # Trigrams tell Russian, Ukrainian and Bulgarian apart badly on a short sentence; only
        # letters the declared alphabet lacks (і, ї, є for Ukrainian) say it is the other.
        return None
    span = ((0, len(text)),)
    return Hit("language", "major", round(conf[top], 3),
               f"the {side} looks like {top}, not {lang} (confidence {conf[top]:.2f})",
               span if side == "source" else (), span if side == "target" else ())


def check_language(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    # A copy is judged on the running text: an address, a product name or a list of names
    # is the same in every language ("Gedimino pr. 11, LT-01103 Vilnius").
    if (word_count(running_text(src)) >= MIN_WORDS and base_lang(src_lang) != base_lang(tgt_lang)
            and word_key(src) == word_key(tgt)):
            return [Hit("language", "major", 0.95, "the target is a copy of the source "
                        "(left untranslated)", ((0, len(src)),), ((0, len(tgt)),))]
    codes = candidates(src_lang, tgt_lang)
    # Words both sides carry as they are (commands, brands, terms: "docker compose up") say
    # nothing of either side's language.
    shared = frozenset(w.strip(_EDGE) for w in src.split()) & frozenset(
        w.strip(_EDGE) for w in tgt.split())
    hits = []
    for text, lang, side in ((src, src_lang, "source"), (tgt, tgt_lang, "target")):
        h = _side_hit(text, lang, side, codes, shared)
        if h is not None:
            hits.append(h)
    return hits


CHECK = CheckSpec("language", "language", check_language, release=release_models)
