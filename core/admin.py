"""Admin for core models: secrets masked in lists and never echoed in forms (T07, T10)."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages

from core.keys import is_secret, mask
from core.models import ApiKey, Setting, SettingHistory, WorkerJob, WorkerLease


class SettingForm(forms.ModelForm):
    class Meta:
        model = Setting
        fields = ["key", "value", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and is_secret(self.instance.key):
            # A password widget that never renders the stored value; blank keeps it.
            self.fields["value"] = forms.CharField(
                required=False,
                widget=forms.PasswordInput(render_value=False),
                help_text=f"Stored: {mask(self.instance.value)} — leave blank to keep.",
            )

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if self.instance.pk and is_secret(self.instance.key) and not value:
            return self.instance.value
        return value


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    form = SettingForm
    list_display = ["key", "display_value", "source", "updated_at"]
    list_filter = ["source"]
    search_fields = ["key"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="value")
    def display_value(self, obj: Setting) -> str | None:
        return mask(obj.value) if is_secret(obj.key) else obj.value


@admin.register(SettingHistory)
class SettingHistoryAdmin(admin.ModelAdmin):
    list_display = ["key", "display_old", "display_new", "changed_at"]
    search_fields = ["key"]
    date_hierarchy = "changed_at"
    readonly_fields = ["key", "display_old", "display_new", "changed_at"]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="old value")
    def display_old(self, obj: SettingHistory) -> str | None:
        return mask(obj.old_value) if is_secret(obj.key) else obj.old_value

    @admin.display(description="new value")
    def display_new(self, obj: SettingHistory) -> str | None:
        return mask(obj.new_value) if is_secret(obj.key) else obj.new_value


@admin.register(WorkerJob)
class WorkerJobAdmin(admin.ModelAdmin):
    list_display = ["id", "worker", "state", "priority", "attempts", "scheduled_at", "download"]
    list_filter = ["worker", "state"]
    search_fields = ["id", "last_error", "idempotency_key"]
    readonly_fields = ["created_at", "updated_at", "claimed_by", "claimed_at", "lease_until"]
    raw_id_fields = ["download"]


@admin.register(WorkerLease)
class WorkerLeaseAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "acquired_at", "expires_at"]
    search_fields = ["name", "owner"]
    readonly_fields = ["acquired_at", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    fields = ["name", "prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if not change:
            raw = secrets.token_urlsafe(32)
            obj.key_hash = ApiKey.hash_key(raw)
            obj.prefix = raw[:6]
            messages.warning(request, f"New API key (shown only now, copy it): {raw}")
        super().save_model(request, obj, form, change)
