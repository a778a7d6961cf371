"""Request/response shapes of the core endpoints (SPEC §2.1, §2.11)."""

from __future__ import annotations

from rest_framework import serializers


class WorkerStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["running", "stopped", "stale"])
    last_seen = serializers.CharField(allow_null=True)
    queue_size = serializers.JSONField()


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    version = serializers.CharField()
    uptime_seconds = serializers.FloatField()
    workers = serializers.DictField(child=WorkerStatusSerializer())
    connections = serializers.DictField(child=serializers.ChoiceField(choices=["ok", "fail"]))
    search_queue = serializers.DictField(help_text="Soulseek search budget: waiting, running, …")


class HealthSerializer(serializers.Serializer):
    service = serializers.CharField()
    status = serializers.ChoiceField(choices=["ok", "fail"])
    missing = serializers.ListField(child=serializers.CharField())
    optional_missing = serializers.ListField(child=serializers.CharField())


class SystemStatsSerializer(serializers.Serializer):
    cpu = serializers.DictField()
    memory = serializers.DictField()
    disk = serializers.DictField()
    network = serializers.DictField()


class SettingsSerializer(serializers.Serializer):
    settings = serializers.DictField(child=serializers.CharField(allow_null=True))
    updated_at = serializers.CharField()


class SettingUpdateSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=255, trim_whitespace=True)
    value = serializers.JSONField(allow_null=True, required=False, default=None)


class SettingHistoryEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    old_value = serializers.CharField(allow_null=True)
    new_value = serializers.CharField(allow_null=True)
    changed_at = serializers.CharField()


class SettingHistorySerializer(serializers.Serializer):
    history = SettingHistoryEntrySerializer(many=True)
