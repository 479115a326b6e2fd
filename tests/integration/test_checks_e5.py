"""The checks' encoder stages with the real model, on sentences written for these tests:
translated and inflected names are matched, a swapped name is not; a negation the other side
renders lexically is dropped, an inserted one is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_pipeline.config import Config
from qa_pipeline.detect.checks import Embedding, check_beads
from qa_pipeline.detect.context import check_embedding
from qa_pipeline.pipeline import make_encoder

pytestmark = pytest.mark.slow


@pytest.fixture()
def embedding(isolated_cache: Path) -> Embedding:
    enc = make_encoder(Config())
    return check_embedding(enc)


def hits(check: str, src: str, tgt: str, sl: str, tl: str, emb: Embedding | None):
    return check_beads([(src, tgt)], sl, tl, [check], emb)[check][0]


@pytest.mark.parametrize(
    ("src", "tgt", "sl", "tl"),
    [
        ("Jo senelis gimė Sovietų Sąjungoje.", "Tema vanaisa sündis Nõukogude Liidus.",
         "lt", "et"),
        # an et-en pair under the lt-et derived threshold (a known miss with isolated phrase
        # vectors; matched since names are read in their sentences)
        ("Tema vanaisa sündis Nõukogude Liidus.",
         "His grandfather was born in the Soviet Union.", "et", "en"),
        pytest.param(
            "Delegacija lankėsi Baltuosiuose rūmuose ir Jungtinėse Tautose.",
            "Delegatsioon külastas Valget Maja ja Ühinenud Rahvaste Organisatsiooni.", "lt", "et",
            marks=pytest.mark.xfail(strict=True, reason="known miss: names capitalised on the "
                                    "first word only are cut short on the lt side")),
    ],
)
def test_translated_names_have_a_counterpart(src: str, tgt: str, sl: str, tl: str,
                                             embedding: Embedding) -> None:
    assert hits("entities", src, tgt, sl, tl, embedding) == ()


def test_a_swapped_name_is_still_found(embedding: Embedding) -> None:
    src = "Sutartį Vilniuje pasirašė Andrius Kubilius."
    tgt = "Lepingu allkirjastas Vilniuses Jean-Claude Juncker."
    (hit,) = hits("entities", src, tgt, "lt", "et", embedding)
    assert "Juncker" in [tgt[a:b] for a, b in hit.target_spans]


@pytest.mark.xfail(strict=True, reason="known miss: e5 barely moves when the "
                   "negation is removed, so the encoder stage keeps this marker")
def test_a_lexically_rendered_negation_is_dropped(embedding: Embedding) -> None:
    src = "Vadovė nebeturi laiko šiam projektui."
    tgt = "Juhatajal napib selle projekti jaoks aega."
    assert hits("negation", src, tgt, "lt", "et", None), "the marker rules alone fire"
    assert hits("negation", src, tgt, "lt", "et", embedding) == ()


def test_an_inserted_negation_is_kept(embedding: Embedding) -> None:
    src = "Ministras žinojo apie šį planą."
    tgt = "Minister ei teadnud sellest plaanist."
    (hit,) = hits("negation", src, tgt, "lt", "et", embedding)
    assert [tgt[a:b] for a, b in hit.target_spans] == ["ei"]
