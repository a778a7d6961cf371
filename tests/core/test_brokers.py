"""django-q2 carries Harmony's tasks through the ORM broker and through Redis (CONTRACT §7)."""

from __future__ import annotations

import os

import pytest
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage
from django_q.tasks import async_task

BROKERS = ["orm"]
if os.environ.get("HARMONY_TEST_REDIS_URL"):
    BROKERS.append("redis")


@pytest.fixture
def broker(request, monkeypatch):
    if request.param == "redis":
        monkeypatch.setattr(Conf, "ORM", None)
        monkeypatch.setattr(Conf, "REDIS", os.environ["HARMONY_TEST_REDIS_URL"])
        instance = get_broker("harmony-test")
        instance.purge_queue()
    else:
        instance = get_broker("harmony-test")
    yield instance
    instance.purge_queue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", BROKERS, indirect=True)
def test_cycle_task_round_trips_through_the_broker(broker):
    task_id = async_task("core.workers.registry.run_cycle", "sync", broker=broker)

    messages = broker.dequeue()

    assert messages
    ack_id, payload = messages[0]
    task = SignedPackage.loads(payload)
    assert task["id"] == task_id
    assert task["func"] == "core.workers.registry.run_cycle"
    assert task["args"] == ("sync",)
    if ack_id is not None:
        broker.acknowledge(ack_id)
    assert broker.queue_size() == 0
