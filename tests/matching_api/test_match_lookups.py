"""Services other workers use: decisions per track and library presence (SPEC §4.6)."""

from __future__ import annotations

import pytest
import time_machine

from matching import services
from tests.factories import MatchFactory

pytestmark = pytest.mark.django_db

TRACK = {
    "id": "sp1",
    "name": "Paranoid Android",
    "artists": [{"name": "Radiohead"}],
    "album": {"name": "OK Computer"},
    "duration_ms": 383000,
}
OTHER = {"id": "sp2", "name": "Karma Police", "artists": [{"name": "Radiohead"}]}
ABSENT = {"id": "sp3", "name": "Unknown Song", "artists": [{"name": "Nobody"}]}
LIBRARY = [
    {
        "ratingKey": "11",
        "title": "Paranoid Android",
        "grandparentTitle": "Radiohead",
        "parentTitle": "OK Computer",
        "duration": 383000,
    },
    {
        "ratingKey": "12",
        "title": "Paranoid Android (Remastered)",
        "grandparentTitle": "Radiohead",
        "parentTitle": "OK Computer OKNOTOK",
        "duration": 384000,
    },
    {"ratingKey": "13", "title": "Karma Police", "grandparentTitle": "Radiohead"},
]


def test_rejected_targets_and_confirmed_target_per_source_and_track():
    MatchFactory(spotify_track_id="sp1", target_id="11", decision="rejected")
    MatchFactory(spotify_track_id="sp1", target_id="12", decision="rejected")
    MatchFactory(spotify_track_id="sp1", target_id="13", decision="auto")
    MatchFactory(
        spotify_track_id="sp1", target_id="x", decision="rejected", source="spotify-to-soulseek"
    )

    assert services.rejected_targets("spotify-to-plex", "sp1") == {"11", "12"}
    assert services.confirmed_target("spotify-to-plex", "sp1") is None
    assert services.rejected_targets("spotify-to-plex", "sp9") == set()


def test_latest_confirmation_wins():
    with time_machine.travel("2025-01-01T00:00:00Z", tick=False):
        old = MatchFactory(spotify_track_id="sp1", target_id="11")
        services.confirm_match(old.pk, "alice")
    with time_machine.travel("2025-01-02T00:00:00Z", tick=False):
        new = MatchFactory(spotify_track_id="sp1", target_id="12")
        services.confirm_match(new.pk, "bob")

    assert services.confirmed_target("spotify-to-plex", "sp1") == "12"


def test_missing_from_library_splits_present_and_missing():
    present, missing = services.missing_from_library([TRACK, OTHER, ABSENT], LIBRARY)

    assert present == [TRACK, OTHER]
    assert missing == [ABSENT]


def test_confirmed_match_makes_a_track_present():
    MatchFactory(spotify_track_id="sp3", target_id="13", decision="confirmed")

    present, missing = services.missing_from_library([TRACK, ABSENT], LIBRARY)

    assert present == [TRACK, ABSENT]
    assert missing == []
    result = services.library_presence([ABSENT], LIBRARY)[0]
    assert result.candidate == LIBRARY[2]


def test_confirmed_match_counts_even_when_the_target_is_not_in_the_list():
    MatchFactory(spotify_track_id="sp3", target_id="999", decision="confirmed")

    result = services.library_presence([ABSENT], LIBRARY)[0]

    assert result.present
    assert result.candidate is None


def test_rejected_best_target_falls_back_to_the_next_library_track():
    MatchFactory(spotify_track_id="sp1", target_id="11", decision="rejected")

    result = services.library_presence([TRACK], LIBRARY)[0]

    assert result.candidate == LIBRARY[1]


def test_rejected_targets_never_make_a_track_present():
    MatchFactory(spotify_track_id="sp1", target_id="11", decision="rejected")
    MatchFactory(spotify_track_id="sp1", target_id="12", decision="rejected")

    present, missing = services.missing_from_library([TRACK, OTHER], LIBRARY)

    assert present == [OTHER]
    assert missing == [TRACK]


def test_decisions_of_other_tracks_do_not_leak():
    MatchFactory(spotify_track_id="sp2", target_id="11", decision="rejected")

    present, _missing = services.missing_from_library([TRACK], LIBRARY)

    assert present == [TRACK]


def test_tracks_without_ids_are_checked_by_the_index_alone():
    anonymous = {k: v for k, v in TRACK.items() if k != "id"}
    MatchFactory(spotify_track_id="sp1", target_id="11", decision="rejected")

    present, _missing = services.missing_from_library([anonymous], LIBRARY)

    assert present == [anonymous]


def test_upsert_creates_then_updates_and_keeps_manual_decisions():
    first = services.upsert_match("spotify-to-plex", "sp1", "11", 0.7)
    services.decide_match(first.pk, "confirmed", "alice")

    again = services.upsert_match("spotify-to-plex", "sp1", "11", 0.95, scores={"title": 1.0})

    assert again.pk == first.pk
    assert (again.decision, again.confidence, again.scores) == ("confirmed", 0.95, {"title": 1.0})


def test_upsert_moves_an_automatic_decision_with_the_confidence():
    services.upsert_match("spotify-to-plex", "sp1", "11", 0.7)

    match = services.upsert_match("spotify-to-plex", "sp1", "11", 0.9)

    assert match.decision == "auto"


def test_only_manual_decisions_can_be_recorded():
    match = MatchFactory()

    with pytest.raises(ValueError):
        services.decide_match(match.pk, "auto", "alice")


def test_bulk_decisions_record_who_and_when():
    first, second, untouched = MatchFactory(), MatchFactory(), MatchFactory()

    with time_machine.travel("2025-03-18T12:00:00Z", tick=False):
        count = services.decide_matches([first.pk, second.pk], "rejected", "alice")

    assert count == 2
    first.refresh_from_db()
    untouched.refresh_from_db()
    assert (first.decision, first.decided_by) == ("rejected", "alice")
    assert first.decided_at.isoformat() == "2025-03-18T12:00:00+00:00"
    assert untouched.decision == "auto"
