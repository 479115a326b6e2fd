"""Length-bounded encoder batches."""

from __future__ import annotations

from qa_pipeline.embed import length_batches


def test_length_batches_cover_every_text_once_within_the_budget() -> None:
    lengths = [150] * 40 + [3000] * 20 + [900, 10, 5000]
    batches = length_batches(lengths, batch_size=32, char_budget=16_384, text_chars=2_048)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)  # shortest first
    for b in batches:
        assert len(b) <= 32
        assert len(b) == 1 or len(b) * min(max(lengths[i] for i in b), 2_048) <= 16_384
    # sentences keep full batches of 32; paragraphs (counted as 2,048 chars) go 8 at a time
    assert len(batches[0]) == 32 and [len(b) for b in batches[-3:]] == [8, 8, 5]
