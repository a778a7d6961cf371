"""Admin for core models: secrets masked in lists and never echoed in forms (T07, T10).

Settings saved here go through the settings store like `POST /settings`: same validation,
`source=user`, one history row per real change (SPEC §2.11, T59).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html

from core import settings_store
from core.errors import ValidationFailed
from core.keys import WORKER_PREFIXES, is_secret, mask
from core.models import ApiKey, Setting, SettingHistory, WorkerJob, WorkerLease


def _messages(errors: Any) -> list[str]:
    """`{"value": ["…"]}` → `["…"]`."""
    if isinstance(errors, dict):
        return [
            str(m)
            for value in errors.values()
            for m in (value if isinstance(value, list) else [value])
        ]
    return [str(errors)]


class SettingForm(forms.ModelForm):
    class Meta:
        model = Setting
        fields = ["key", "value"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and is_secret(self.instance.key):
            # A password widget that never renders the stored value; blank keeps it.
            self.fields["value"] = forms.CharField(
                required=False,
                widget=forms.PasswordInput(render_value=False),
                help_text=f"Stored: {mask(self.instance.value)} — leave blank to keep.",
            )

    def clean_key(self) -> str:
        key = (self.cleaned_data.get("key") or "").strip()
        if key.startswith(WORKER_PREFIXES):
            raise forms.ValidationError("Worker-maintained keys are read-only.")
        return key

    def clean_value(self) -> str | None:
        value = self.cleaned_data.get("value")
        if self.instance.pk and is_secret(self.instance.key) and not value:
            return self.instance.value
        return value or None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        key = data.get("key") or self.instance.key
        if key and "value" in data:
            try:
                settings_store.validate_value(key, data["value"])
            except ValidationFailed as exc:
                self.add_error("value", _messages(exc.detail))
        return data


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    form = SettingForm
    list_display = ["key", "display_value", "source", "updated_at"]
    list_filter = ["source"]
    search_fields = ["key"]
    readonly_fields = ["source", "created_at", "updated_at"]

    @admin.display(description="value")
    def display_value(self, obj: Setting) -> str | None:
        return mask(obj.value) if is_secret(obj.key) else obj.value

    def get_readonly_fields(self, request: HttpRequest, obj: Setting | None = None) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None:
            fields.insert(0, "key")
            if obj.key.startswith(WORKER_PREFIXES):
                fields.insert(1, "value")
        return fields

    def save_model(self, request: HttpRequest, obj: Setting, form: Any, change: bool) -> None:
        settings_store.update_setting(obj.key, obj.value)
        stored = Setting.objects.filter(key=obj.key).first()
        if stored is None:
            # A blank value removed the override; keep a row so the admin can show the result.
            stored = Setting.objects.create(key=obj.key, value=None, source=Setting.Source.USER)
        obj.pk, obj.source = stored.pk, stored.source
        obj.created_at, obj.updated_at = stored.created_at, stored.updated_at


@admin.register(SettingHistory)
class SettingHistoryAdmin(admin.ModelAdmin):
    list_display = ["key", "display_old", "display_new", "changed_at"]
    search_fields = ["key"]
    date_hierarchy = "changed_at"
    readonly_fields = ["key", "display_old", "display_new", "changed_at"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="old value")
    def display_old(self, obj: SettingHistory) -> str | None:
        return mask(obj.old_value) if is_secret(obj.key) else obj.old_value

    @admin.display(description="new value")
    def display_new(self, obj: SettingHistory) -> str | None:
        return mask(obj.new_value) if is_secret(obj.key) else obj.new_value


@admin.register(WorkerJob)
class WorkerJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "worker",
        "state",
        "priority",
        "attempts",
        "scheduled_at",
        "download",
        "claimed_by",
    ]
    list_filter = ["worker", "state"]
    search_fields = ["id", "last_error", "idempotency_key", "claimed_by"]
    date_hierarchy = "created_at"
    list_select_related = ["download"]
    readonly_fields = [
        "worker",
        "download",
        "pretty_payload",
        "state",
        "attempts",
        "last_error",
        "idempotency_key",
        "scheduled_at",
        "claimed_by",
        "claimed_at",
        "lease_until",
        "created_at",
        "updated_at",
    ]
    exclude = ["payload"]

    @admin.display(description="payload")
    def pretty_payload(self, obj: WorkerJob) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WorkerLease)
class WorkerLeaseAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "acquired_at", "expires_at"]
    search_fields = ["name", "owner"]
    readonly_fields = ["name", "owner", "acquired_at", "expires_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["name", "prefix", "created_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if not change:
            raw = secrets.token_urlsafe(32)
            obj.key_hash = ApiKey.hash_key(raw)
            obj.prefix = raw[:6]
            messages.warning(request, f"New API key (shown only now, copy it): {raw}")
        super().save_model(request, obj, form, change)
