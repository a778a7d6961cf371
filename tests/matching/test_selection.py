"""Candidate selection for downloads (SPEC §4.7)."""

from __future__ import annotations

from typing import Any

from matching.engine import select_candidate
from tests.matching.cases import sp

NUDE = sp("Nude", "Radiohead", album="In Rainbows", ms=255000)
MP3 = r"@@a\Music\Radiohead\In Rainbows\03 - Nude.mp3"
FLAC = r"@@a\Music\Radiohead\In Rainbows\03 - Nude.flac"


def response(username: str, *files: dict[str, Any], free: bool = True, queue: int = 0) -> dict:
    return {
        "username": username,
        "hasFreeUploadSlot": free,
        "queueLength": queue,
        "uploadSpeed": 1_000_000,
        "files": list(files),
    }


def file(filename: str = MP3, **extra: Any) -> dict[str, Any]:
    return {"filename": filename, "size": 9_000_000, "extension": "", "length": 255, **extra}


def test_no_responses_means_no_results() -> None:
    selection = select_candidate(NUDE, [])

    assert (selection.best, selection.reason, selection.considered) == (None, "no_results", 0)


def test_unrelated_files_mean_no_results() -> None:
    responses = [response("u1", file(r"Music\Muse\Absolution\01 - Intro.mp3", bitRate=320))]

    selection = select_candidate(NUDE, responses)

    assert selection.best is None
    assert selection.reason == "no_results"
    assert selection.below_threshold == 1


def test_matching_files_below_min_bitrate_give_reason_quality() -> None:
    responses = [response("u1", file(bitRate=128)), response("u2", file(bitRate=160))]

    selection = select_candidate(NUDE, responses, min_bitrate=192)

    assert selection.best is None
    assert selection.reason == "quality"
    assert selection.rejected_quality == 2


def test_unknown_bitrate_is_kept_and_lossless_counts_as_1000() -> None:
    responses = [response("u1", file()), response("u2", file(FLAC))]

    selection = select_candidate(
        NUDE, responses, min_bitrate=320, preferred_formats=["mp3", "flac"]
    )

    assert selection.best is not None and selection.best.username == "u2"
    assert (selection.best.bitrate, selection.best.extension) == (1000, "flac")
    assert [alt.bitrate for alt in selection.alternatives] == [None]


def test_preferred_format_beats_bitrate() -> None:
    responses = [response("u1", file(FLAC)), response("u2", file(MP3, bitRate=320))]

    assert select_candidate(NUDE, responses, preferred_formats=["MP3"]).best.username == "u2"
    assert select_candidate(NUDE, responses, preferred_formats=[".flac"]).best.username == "u1"


def test_confidence_is_compared_in_steps_of_0_05() -> None:
    # u1 is exact (1.0); u2 is 5 s off (≈ 0.99): same 0.05 step, so the higher bitrate wins.
    responses = [response("u1", file(bitRate=256)), response("u2", file(bitRate=320, length=250))]

    selection = select_candidate(NUDE, responses)

    assert selection.best.username == "u2"
    assert selection.best.confidence < selection.alternatives[0].confidence


def test_ties_go_to_free_slot_then_short_queue_then_size_then_order() -> None:
    same = {"bitRate": 320}
    responses = [
        response("busy", file(**same), free=False),
        response("queued", file(**same), queue=5),
        response("small", file(**same, size=1_000)),
        response("first", file(**same)),
        response("second", file(**same)),
    ]

    selection = select_candidate(NUDE, responses)

    assert [c.username for c in (selection.best, *selection.alternatives)] == [
        "first",
        "second",
        "small",
        "queued",
        "busy",
    ]


def test_duplicates_are_dropped_and_at_most_four_alternatives_kept() -> None:
    responses = [response(f"u{i}", file(bitRate=320), file(bitRate=320)) for i in range(7)]

    selection = select_candidate(NUDE, responses)

    assert selection.considered == 7
    assert len(selection.alternatives) == 4


def test_threshold_is_respected() -> None:
    responses = [response("u1", file(r"Music\Various\Nude.mp3", bitRate=320))]

    assert select_candidate(NUDE, responses, threshold=0.65).best is not None
    assert select_candidate(NUDE, responses, threshold=0.99).reason == "no_results"


def test_other_recordings_are_not_downloaded_unless_allowed() -> None:
    live = file(r"Music\Radiohead\Live\Nude (Live).mp3", bitRate=320)

    selection = select_candidate(NUDE, [response("u1", live)])
    allowed = select_candidate(NUDE, [response("u1", live)], allow_other_recordings=True)

    assert (selection.best, selection.reason, selection.other_recording) == (None, "no_results", 1)
    assert allowed.best is not None and allowed.best.score.different_recording


def test_candidate_dict_shape() -> None:
    selection = select_candidate(NUDE, [response("u1", file(bitRate=320))])

    data = selection.best.as_dict()

    assert data["username"] == "u1"
    assert data["filename"] == MP3
    assert (data["size"], data["bitrate"], data["extension"], data["length"]) == (
        9_000_000,
        320,
        "mp3",
        255,
    )
    assert data["confidence"] == 1.0
    assert data["scores"]["title"] == 1.0


def test_malformed_responses_are_skipped() -> None:
    responses: list[Any] = [
        {"username": "u1"},
        {"username": "u2", "files": None},
        {"username": "u3", "files": [None, {"size": 1}, {"filename": ""}]},
        response("u4", file(bitRate="320")),  # ill-typed bitrate counts as unknown
    ]

    selection = select_candidate(NUDE, responses)

    assert selection.considered == 1
    assert selection.best is not None and selection.best.bitrate is None
