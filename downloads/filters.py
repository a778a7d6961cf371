"""`DownloadFilterSet`: the request filters of the download list, export and page (SPEC §2.4).

One FilterSet for API and page (STYLE §2). Invalid values are errors, never silently ignored:
`status=bogus` or `all=maybe` answer 422 naming the parameter (SPEC §0.2, RELIABILITY T14).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from core.keys import BOOL_VALUES, TRUE_VALUES
from core.timefmt import parse_bound
from downloads.models import Download

STATUS_ALIASES: dict[str, str] = {
    **{status.value: status.value for status in Download.Status},
    "pending": Download.Status.QUEUED.value,
    "downloading": Download.Status.RUNNING.value,
    "in_progress": Download.Status.RUNNING.value,
}
STATUS_CHOICES_TEXT = "queued, running, completed, failed, cancelled"


class StatusField(forms.CharField):
    """A download status, case-insensitive, with the documented aliases."""

    def clean(self, value: Any) -> str | None:
        text = (super().clean(value) or "").strip().lower()
        if not text:
            return None
        if text not in STATUS_ALIASES:
            raise forms.ValidationError(f"Must be one of {STATUS_CHOICES_TEXT}.")
        return STATUS_ALIASES[text]


class QueryBooleanField(forms.Field):
    """`true/false/1/0/yes/no`, case-insensitive; anything else is an error (SPEC §0.2)."""

    def clean(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text not in BOOL_VALUES:
            raise forms.ValidationError("Must be one of true, false, 1, 0, yes, no.")
        return text in TRUE_VALUES


class DateBoundFormField(forms.CharField):
    """An ISO 8601 date or datetime (naive = UTC); a date `to` covers the whole day."""

    def __init__(self, *, end: bool = False, **kwargs: Any) -> None:
        self.end = end
        super().__init__(**kwargs)

    def clean(self, value: Any) -> datetime | None:
        text = super().clean(value)
        try:
            return parse_bound(text or "", end=self.end)
        except ValueError:
            raise forms.ValidationError("Must be an ISO 8601 date or datetime.") from None


class StatusFilter(django_filters.Filter):
    field_class = StatusField

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        return qs if value is None else qs.filter(status=value)


class AllFilter(django_filters.Filter):
    """Only validates; `DownloadFilterSet.filter_queryset` combines it with `status`."""

    field_class = QueryBooleanField

    def filter(self, qs: QuerySet, value: bool | None) -> QuerySet:
        return qs


class DateBoundFilter(django_filters.Filter):
    field_class = DateBoundFormField

    def __init__(self, *, end: bool = False, **kwargs: Any) -> None:
        super().__init__(field_name="created_at", lookup_expr="lte" if end else "gte", **kwargs)
        self.extra["end"] = end


class DownloadFilterSet(django_filters.FilterSet):
    """`status` (aliases), `all`, and inclusive `from`/`to` bounds on `created_at`.

    Without `status` and `all`, only the active sync queue (`queued` + `running`) is listed;
    `status` overrides `all` (SPEC §2.4).
    """

    status = StatusFilter()
    all = AllFilter()

    class Meta:
        model = Download
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("status") is None and not data.get("all"):
            queryset = queryset.filter(status__in=Download.ACTIVE_STATUSES)
        return queryset

    @property
    def errors(self) -> dict[str, list[str]]:
        """Form errors as `{parameter: [messages]}`, plus `to` earlier than `from`."""
        errors = {key: [str(m) for m in messages] for key, messages in self.form.errors.items()}
        if not errors:
            start, end = self.form.cleaned_data.get("from"), self.form.cleaned_data.get("to")
            if start and end and end < start:
                errors["to"] = ["Must not be earlier than 'from'."]
        return errors

    def is_valid(self) -> bool:
        return self.form.is_valid() and not self.errors


# `from` is a Python keyword, so the bounds are added after the class body; FilterSet
# instances copy `base_filters`, so they behave like declared filters.
DownloadFilterSet.base_filters["from"] = DateBoundFilter()
DownloadFilterSet.base_filters["to"] = DateBoundFilter(end=True)
