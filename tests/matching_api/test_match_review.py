"""Review band, the match list and the operator's confirm/reject decisions (SPEC §1.6)."""

from __future__ import annotations

import pytest
import time_machine

from matching.models import Match
from tests.factories import MatchFactory, UserFactory
from tests.matching_api.conftest import EXACT_PLEX, HBFS, LIVE_PLEX

pytestmark = pytest.mark.django_db

PLEX = "/matching/spotify-to-plex"


def test_match_between_threshold_and_auto_accept_is_stored_for_review(post):
    post(PLEX, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})

    match = Match.objects.get()
    assert match.confidence == 0.6734
    assert match.decision == "review"
    assert "different version" in match.scores["notes"][0]


def test_match_at_auto_accept_is_auto(post):
    post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX]})

    assert Match.objects.get().decision == "auto"


def test_auto_accept_setting_moves_the_band(post):
    from core.models import Setting

    Setting.objects.update_or_create(
        key="matching_auto_accept_threshold", defaults={"value": "0.6"}
    )

    post(PLEX, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})

    assert Match.objects.get().decision == "auto"


def test_list_shows_matches_with_their_scores(api, post):
    with time_machine.travel("2025-03-18T12:00:00Z", tick=False):
        post(PLEX, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})

    response = api.get("/matching/matches")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert (body["limit"], body["offset"]) == (50, 0)
    item = body["items"][0]
    assert item == {
        "id": Match.objects.get().pk,
        "source": "spotify-to-plex",
        "spotify_track_id": HBFS["id"],
        "target_id": "502",
        "context_id": "",
        "confidence": 0.6734,
        "decision": "review",
        "scores": item["scores"],
        "decided_by": None,
        "decided_at": None,
        "created_at": "2025-03-18T12:00:00Z",
        "updated_at": "2025-03-18T12:00:00Z",
    }
    assert set(item["scores"]) >= {"title", "artist", "album", "duration", "coverage", "notes"}


def test_list_filters_by_decision_source_and_track(api):
    review = MatchFactory(decision="review", spotify_track_id="t1")
    MatchFactory(decision="auto", spotify_track_id="t1")
    MatchFactory(decision="review", source="spotify-to-soulseek", spotify_track_id="t2")

    by_decision = api.get("/matching/matches?decision=review&source=spotify-to-plex").json()
    by_track = api.get("/matching/matches?spotify_track_id=t1").json()

    assert [i["id"] for i in by_decision["items"]] == [review.pk]
    assert by_track["total"] == 2


def test_list_is_newest_first_and_paged(api):
    for day in range(1, 6):
        with time_machine.travel(f"2025-01-0{day}T00:00:00Z", tick=False):
            MatchFactory(spotify_track_id=f"day{day}")

    body = api.get("/matching/matches?limit=2&offset=1").json()

    assert [i["spotify_track_id"] for i in body["items"]] == ["day4", "day3"]
    assert body["total"] == 5


def test_list_limit_above_100_is_clamped(api):
    body = api.get("/matching/matches?limit=5000").json()

    assert body["limit"] == 100


@pytest.mark.parametrize(
    "params",
    [
        "limit=0",
        "limit=-1",
        "limit=abc",
        "offset=-1",
        "offset=99999999999999",
        "decision=maybe",
        "source=spotify",
        "spotify_track_id=" + "x" * 65,
    ],
)
def test_list_rejects_bad_parameters(api, params):
    response = api.get("/matching/matches?" + params)

    assert response.status_code == 422
    assert params.split("=")[0] in response.json()["detail"]


def test_confirm_records_who_and_when(api):
    match = MatchFactory(decision="review")

    with time_machine.travel("2025-03-18T12:15:00Z", tick=False):
        response = api.post(f"/matching/matches/{match.pk}/confirm")

    assert response.status_code == 200
    assert response.json()["decision"] == "confirmed"
    assert response.json()["decided_by"] == "api-key"
    assert response.json()["decided_at"] == "2025-03-18T12:15:00Z"
    match.refresh_from_db()
    assert match.decision == "confirmed"


def test_reject_by_a_logged_in_operator_records_the_user(api):
    from rest_framework.test import APIClient

    match = MatchFactory(decision="auto")
    client = APIClient()
    client.force_login(UserFactory(username="alice"))

    response = client.post(f"/matching/matches/{match.pk}/reject")

    assert response.status_code == 200
    match.refresh_from_db()
    assert (match.decision, match.decided_by) == ("rejected", "alice")


@pytest.mark.parametrize("action", ["confirm", "reject"])
@pytest.mark.parametrize("match_id", ["999999", "abc", "-1", "0", str(2**63), "1e3"])
def test_unknown_match_is_404(api, action, match_id):
    response = api.post(f"/matching/matches/{match_id}/{action}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Match not found"}


def test_confirm_needs_post(api):
    match = MatchFactory()

    assert api.get(f"/matching/matches/{match.pk}/confirm").status_code == 405


def test_later_upsert_keeps_a_rejected_decision_and_never_reports_the_pair(post):
    post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX]})
    match = Match.objects.get()
    match.decision = "rejected"
    match.save()

    response = post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX, LIVE_PLEX]})

    assert response.json()["best_match"] == LIVE_PLEX
    match.refresh_from_db()
    assert match.decision == "rejected"


def test_rejected_pair_alone_gives_no_best_match(post):
    MatchFactory(spotify_track_id=HBFS["id"], target_id="501", decision="rejected")

    response = post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX]})

    assert response.json() == {"best_match": None, "confidence": 0.0}
    assert Match.objects.get().decision == "rejected"


def test_later_upsert_keeps_a_confirmed_decision_but_updates_confidence(post, api):
    post(PLEX, {"spotify_track": HBFS, "candidates": [LIVE_PLEX]})
    match = Match.objects.get()
    api.post(f"/matching/matches/{match.pk}/confirm")
    better = {**LIVE_PLEX, "duration": 224000}

    post(PLEX, {"spotify_track": HBFS, "candidates": [better]})

    match.refresh_from_db()
    assert match.decision == "confirmed"
    assert match.decided_by == "api-key"
    assert match.confidence > 0.6734


def test_confirmed_target_is_the_best_match_even_with_a_higher_scoring_rival(post):
    MatchFactory(spotify_track_id=HBFS["id"], target_id="502", decision="confirmed")

    response = post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX, LIVE_PLEX]})

    assert response.json() == {"best_match": LIVE_PLEX, "confidence": 0.6734}


def test_decisions_of_another_source_do_not_apply(post):
    MatchFactory(
        source="spotify-to-soulseek",
        spotify_track_id=HBFS["id"],
        target_id="501",
        decision="rejected",
    )

    response = post(PLEX, {"spotify_track": HBFS, "candidates": [EXACT_PLEX]})

    assert response.json()["best_match"] == EXACT_PLEX


def test_rejected_album_is_skipped_for_that_spotify_album(post):
    album = {"id": "alb1", "name": "Discovery", "artists": ["Daft Punk"], "tracks": [{"id": "t1"}]}
    good = {"ratingKey": "700", "title": "Discovery", "parentTitle": "Daft Punk"}
    MatchFactory(
        source="spotify-to-plex-album",
        spotify_track_id="t1",
        target_id="700",
        context_id="alb1",
        decision="rejected",
    )

    response = post(
        "/matching/spotify-to-plex-album?persist=true",
        {"spotify_album": album, "candidates": [good]},
    )

    assert response.json() == {"best_match": None, "confidence": 0.0}
    assert Match.objects.get().decision == "rejected"
