"""Query and response shapes of the activity endpoints (SPEC §2.5)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import DateBoundField, StrictIntegerField, validate_range


class ActivityQuerySerializer(serializers.Serializer):
    limit = StrictIntegerField(min_value=1, max_value=200, default=50)
    offset = StrictIntegerField(min_value=0, max_value=10**12, default=0)
    type = serializers.CharField(required=False, max_length=128)
    status = serializers.CharField(required=False, max_length=128)


class ActivityExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["json", "csv"], default="json")
    type = serializers.CharField(required=False, max_length=128)
    status = serializers.CharField(required=False, max_length=128)
    limit = StrictIntegerField(min_value=1, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = DateBoundField()
        fields["to"] = DateBoundField(end=True)
        return fields

    def validate(self, attrs):
        return validate_range(attrs)


class ActivityItemSerializer(serializers.Serializer):
    timestamp = serializers.CharField()
    type = serializers.CharField()
    status = serializers.CharField()
    details = serializers.DictField()


class ActivityPageSerializer(serializers.Serializer):
    items = ActivityItemSerializer(many=True)
    total_count = serializers.IntegerField()
