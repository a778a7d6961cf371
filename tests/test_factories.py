"""Every model has a working factory (issue: one factory per model)."""

from __future__ import annotations

import pytest
from django.apps import apps

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory")
    and name != "UserFactory"
    and hasattr(getattr(factories, name), "_meta")
]


def test_every_harmony_model_has_a_factory():
    covered = {f._meta.model for f in FACTORIES}
    ours = {
        m
        for m in apps.get_models()
        if m._meta.app_label
        in {"core", "activity", "downloads", "integrations", "matching", "watchlist"}
    }

    assert ours <= covered


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_factory_creates_a_row(factory_class):
    obj = factory_class()

    assert obj.pk is not None
    assert str(obj)
