"""URLs and e-mail addresses are never translated: each must appear verbatim on both sides."""

from __future__ import annotations

import re

from ...config import WEB_TLDS as TLDS
from .base import CheckSpec, Hit

_URL_RE = re.compile(
    rf"""(?ix)
    (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<url>(?:https?://|ftp://|www\.)[^\s<>"“”„«»]+)
  | (?P<bare>(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{TLDS})(?![\w-])(?:/[^\s<>"“”„«»]*)?)
    """
)
_TRAIL = ".,;:!?)]}'\"’“”»…"
# An address never spans whitespace, so the pattern runs on each word that could hold one. A
# word longer than this (a base64 blob, a minified line) is no address; scanning it would
# cost time quadratic in its length (every start position runs to its end).
MAX_ADDRESS_CHARS = 2048
_WORD = re.compile(r"\S+")


def _matches(text: str) -> list[tuple[str, int]]:
    """(matched text, start) of every address pattern match, word by word."""
    out = []
    for w in _WORD.finditer(text):
        word = w.group()
        if len(word) > MAX_ADDRESS_CHARS or not ("." in word or "@" in word or "://" in word):
            continue
        out += [(m.group(), w.start() + m.start()) for m in _URL_RE.finditer(word)]
    return out


def _same_address(host: str, path: str) -> str:
    """The form two renderings of one address share: the host lower-cased, a trailing "/"
    dropped ("lrt.lt/" is "lrt.lt"), the query's parameters in order ("?b=2&a=1")."""
    path, hash_, fragment = path.partition("#")
    path, q, query = path.partition("?")
    path = path.rstrip("/")
    if q:
        path += "?" + "&".join(sorted(query.split("&")))
    return host.lower() + ("/" + path if path else "") + hash_ + fragment


def extract(text: str) -> list[tuple[str, int, int]]:
    """(normalised address, start, end): trailing punctuation dropped, `_same_address`. A bare
    domain needs its ending in lower case: "Dr.No" is a name, not a Norwegian site."""
    out = []
    for raw, start in _matches(text):
        while raw and raw[-1] in _TRAIL:
            raw = raw[:-1]
        if not raw:
            continue
        norm = re.sub(r"^(https?://)?(www\.)?", "", raw, flags=re.IGNORECASE)
        host, _, path = norm.partition("/")
        if "@" not in raw and "://" not in raw and not raw.lower().startswith("www.") \
                and not host.rsplit(".", 1)[-1].islower():
            continue
        out.append((_same_address(host, path), start, start + len(raw)))
    return out


def check_urls(src: str, tgt: str, src_lang: str, tgt_lang: str) -> list[Hit]:
    s, t = extract(src), extract(tgt)
    hits: list[Hit] = []
    t_pool = [u for u, _, _ in t]
    for u, a, b in s:
        if u in t_pool:
            t_pool.remove(u)
        else:
            hits.append(Hit("url", "critical", 0.95,
                            f'"{src[a:b]}" in the source is missing or altered in the target',
                            ((a, b),), ()))
    s_pool = [u for u, _, _ in s]
    for u, a, b in t:
        if u in s_pool:
            s_pool.remove(u)
        else:
            hits.append(Hit("url", "critical", 0.95,
                            f'"{tgt[a:b]}" in the target is missing or altered in the source',
                            (), ((a, b),)))
    return hits


CHECK = CheckSpec("urls", "url", check_urls)
