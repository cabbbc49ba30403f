"""The returns and SSD extracts loaded, through /api/v1/import-runs/: for business
support, the Head of Service and administrators (an IRO loads no returns)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import PAGED_REFUSALS
from core.forms import EARLIEST_DATE, LATEST_DATE
from core.permissions import ReadsTheUnit
from returns.selectors import IMPORT_RUN_KINDS, IMPORT_RUN_STATUSES, SSD, import_runs

STARTED_FROM_AFTER_TO = "started_from must be on or before started_to"
DATE_OUT_OF_RANGE = (
    "{name} must be a date from " + f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
)


class ImportRunQuerySerializer(serializers.Serializer):
    """The query string: a serializer, not a FilterSet, since the two tables are filtered
    before they are read as one (a union cannot be filtered after). A bad value is a 400
    naming the parameter."""

    kind = serializers.ChoiceField(choices=IMPORT_RUN_KINDS, required=False)
    status = serializers.ChoiceField(choices=IMPORT_RUN_STATUSES, required=False)
    started_from = serializers.DateField(required=False, help_text="Started on or after")
    started_to = serializers.DateField(required=False, help_text="Started on or before")

    def validate_started_from(self, value: dt.date) -> dt.date:
        return _in_range("started_from", value)

    def validate_started_to(self, value: dt.date) -> dt.date:
        return _in_range("started_to", value)

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("started_from"), attrs.get("started_to")
        if start and end and start > end:
            raise serializers.ValidationError({"started_from": STARTED_FROM_AFTER_TO})
        return attrs


def _in_range(name: str, value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(DATE_OUT_OF_RANGE.format(name=name))
    return value


class ImportRunSerializer(serializers.Serializer):
    """One run, an upload's or an extract's, from returns.selectors.import_runs."""

    kind = serializers.ChoiceField(choices=IMPORT_RUN_KINDS, source="run_kind")
    id = serializers.IntegerField(source="run_id", help_text="Unique within its kind")
    status = serializers.ChoiceField(choices=IMPORT_RUN_STATUSES, source="run_status")
    started_at = serializers.DateTimeField(source="run_started_at")
    finished_at = serializers.DateTimeField(source="run_finished_at", allow_null=True)
    problems = serializers.ListField(
        child=serializers.CharField(),
        source="run_problems",
        help_text="Why the files were refused, by file, row and column (nothing was saved)",
    )
    counts = serializers.SerializerMethodField(
        help_text="What the load did: an upload's counts; an extract's changes by kind"
    )

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_counts(self, row: dict) -> dict:
        summary = row["run_summary"]
        if row["run_kind"] != SSD:
            return summary if isinstance(summary, dict) else {}
        return dict(Counter(change["kind"] for change in summary or []))


class ImportRunListView(generics.GenericAPIView):
    """Returns uploaded and SSD extracts loaded, newest first, paged."""

    permission_classes = [ReadsTheUnit]
    serializer_class = ImportRunSerializer

    @extend_schema(
        parameters=[ImportRunQuerySerializer],
        responses={200: ImportRunSerializer(many=True), **PAGED_REFUSALS},
    )
    def get(self, request: Request) -> Response:
        query = ImportRunQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(import_runs(**query.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
