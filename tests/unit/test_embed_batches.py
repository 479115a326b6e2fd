"""Length-bounded encoder batches."""

from __future__ import annotations

from qa_pipeline.embed import length_batches, snug_batches


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


def test_snug_batches_pad_within_the_slack_once_past_the_minimum() -> None:
    lengths = [12, 14, 15, 15, 16, 40, 41, 42, 90, 20, 21, 95, 300, 13, 44, 18]
    batches = snug_batches(lengths, max_size=5, slack=0.2, min_size=2)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)  # shortest first
    for b in batches:
        size, widest, real = len(b), max(lengths[i] for i in b), sum(lengths[i] for i in b)
        assert size <= 5
        # past the minimum, a batch pads at most 20 % over its real tokens
        assert size <= 2 or size * widest <= 1.2 * real
    # a fixed cut of 5 sorted texts would pad the 40s with the 20s and 300 with 90 and 95
    assert [sorted(lengths[i] for i in b) for b in batches][-1] == [300]
    padded = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    fixed = sorted(lengths)
    assert padded < sum(len(fixed[k:k + 5]) * fixed[k:k + 5][-1] for k in range(0, 16, 5))


def test_snug_batches_fill_the_minimum_whatever_the_padding() -> None:
    assert snug_batches([1, 100, 1000], max_size=8, slack=0.0, min_size=3) == [[0, 1, 2]]
    assert snug_batches([5] * 10, max_size=4, slack=0.0) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
