"""Precision and recall of the engine over the labelled cases (tests/matching/cases.py).

Precision at the auto-accept level: of the cases whose best candidate reaches 0.85, the
share where it is the right one. Recall at the matching threshold: of the cases that have
a right candidate, the share where it is chosen with at least 0.65.
"""

from __future__ import annotations

import sys

from matching.engine import AUTO_ACCEPT, MATCH_THRESHOLD, best_plex_match, best_soulseek_match
from tests.matching.cases import CASES, Case

MIN_PRECISION = 0.98
MIN_RECALL = 0.90


def predict(case: Case) -> tuple[int | None, float]:
    match = best_plex_match if case.kind == "plex" else best_soulseek_match
    best, score = match(case.spotify, case.candidates)
    index = next((i for i, c in enumerate(case.candidates) if c is best), None)
    return index, score.confidence


def test_labelled_set_is_large_and_varied() -> None:
    kinds = {case.kind for case in CASES}

    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)
    assert kinds == {"plex", "soulseek"}
    assert sum(case.expected is None for case in CASES) >= 15
    assert all(case.expected is None or case.expected < len(case.candidates) for case in CASES)


def test_precision_at_auto_accept_and_recall_at_threshold() -> None:
    accepted = correct_accepted = relevant = recalled = 0
    misses: list[str] = []
    for case in CASES:
        index, confidence = predict(case)
        if confidence >= AUTO_ACCEPT:
            accepted += 1
            correct_accepted += index == case.expected
            if index != case.expected:
                misses.append(f"false accept {case.id}: {index} at {confidence}")
        if case.expected is not None:
            relevant += 1
            if index == case.expected and confidence >= MATCH_THRESHOLD:
                recalled += 1
            else:
                misses.append(f"missed {case.id}: {index} at {confidence}")

    precision = correct_accepted / accepted if accepted else 1.0
    recall = recalled / relevant
    sys.stdout.write(
        f"\n{len(CASES)} cases: precision@{AUTO_ACCEPT} = {precision:.3f} ({correct_accepted}/"
        f"{accepted}), recall@{MATCH_THRESHOLD} = {recall:.3f} ({recalled}/{relevant})\n"
        + "".join(f"  {miss}\n" for miss in misses)
    )
    assert precision >= MIN_PRECISION, misses
    assert recall >= MIN_RECALL, misses
