"""Document-relative drift: no spread floor, short and uniform documents behave."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_pipeline.detect.calibration import Calibration, load_calibration
from qa_pipeline.detect.drift import relative_drift
from qa_pipeline.detect.params import DriftParams
from qa_pipeline.detect.relative import RelativeReference, fit_reference, logit, relative_scores

REF = RelativeReference(median=-2.0, spread=0.6)
SHRINK = DriftParams().shrink_beads


def test_a_uniform_document_has_no_outliers() -> None:
    drift = np.full(40, 0.12)
    drift[7] = 0.125  # a hair above the rest: the old robust z called it 0.1 spreads up
    z = relative_scores(drift, REF, SHRINK)
    assert z.max() < 0.5


def test_a_clear_outlier_stands_out_in_a_uniform_document() -> None:
    drift = np.full(40, 0.12)
    drift[7] = 0.6
    z = relative_scores(drift, REF, SHRINK)
    assert int(np.argmax(z)) == 7 and z[7] > 3
    assert np.all(np.delete(z, 7) < 0.5)


def test_a_one_bead_document_is_scored_against_the_reference() -> None:
    low = relative_scores(np.array([0.1]), REF, SHRINK)
    high = relative_scores(np.array([0.6]), REF, SHRINK)
    assert low[0] < high[0]
    # shrunk almost entirely onto the reference: its logit distance in reference spreads
    expected = (logit(np.array([0.6]))[0] - REF.median) / REF.spread
    assert high[0] == pytest.approx(expected, rel=0.1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 0.99), min_size=1, max_size=60), st.data())
def test_a_small_change_of_one_drift_moves_its_score_a_little(values: list[float],
                                                              data: st.DataObject) -> None:
    """Without a floor there is no hinge: the score is Lipschitz in the drift, with the
    constant set by the reference spread (never by a hand-set floor)."""
    drift = np.array(values)
    i = data.draw(st.integers(0, len(values) - 1))
    delta = data.draw(st.floats(-0.005, 0.005))
    moved = drift.copy()
    moved[i] = float(np.clip(moved[i] + delta, 0.005, 0.995))
    a, b = relative_scores(drift, REF, SHRINK), relative_scores(moved, REF, SHRINK)
    p = min(drift[i], moved[i], 1 - drift[i], 1 - moved[i])
    spread_min = np.sqrt(SHRINK / (len(values) + SHRINK)) * REF.spread
    # the moved bead's own term, the shift of the document's median (at most as much) and of
    # its spread (1.4826 times as much at most), which rescales every score
    dlogit = abs(moved[i] - drift[i]) / (p * 0.5)
    bound = dlogit / spread_min * (2 + 1.5 * np.abs(a).max()) + 1e-9
    assert np.all(np.abs(a - b) <= bound)


def test_fit_reference_recovers_median_and_spread() -> None:
    rng = np.random.default_rng(0)
    docs = [1 / (1 + np.exp(-(rng.normal(-2.0, 0.5, 30) + rng.normal(0, 0.3))))
            for _ in range(200)]
    ref = fit_reference(docs)
    assert ref.median == pytest.approx(-2.0, abs=0.1)
    assert ref.spread == pytest.approx(0.5, abs=0.05)
    assert ref.documents == 200


def test_relative_drift_uses_the_reference_when_the_calibration_has_one() -> None:
    drift = np.array([0.1, 0.1, 0.5])
    assert np.all(relative_drift(drift, DriftParams()) == 0)  # old rule: too short
    assert relative_drift(drift, DriftParams(), REF)[2] > 1


def test_calibration_round_trips_its_reference() -> None:
    base = load_calibration("multilingual-e5-small", "lt", "et")
    calib = dataclasses.replace(base, relative=REF)
    again = Calibration.from_dict(calib.to_dict())
    assert again.relative == REF
