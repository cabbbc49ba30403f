"""/api/v1/outbox/: the events the council's case system polls, oldest first, from a
cursor (`?after=<id>`, the last id it has read), in the caller's scope (core.outbox).

An event about a child is listed to those who may read the child through the API
(`children_in_scope`: an IRO their own children; the unit's roles the unit, restricted
records to managers only). An event about no child (a foster carer's review overdue) is
listed to every role, as the carers' pages are.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import REFUSALS
from core.models import OutboxEvent, OutboxKind
from core.outbox import event_json
from core.permissions import HasUnitRole
from worklists.api.scope import children_in_scope

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# The largest id the database holds (a bigint): beyond it is a 400, not a database error.
LARGEST_ID = 2**63 - 1


class OutboxQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=LARGEST_ID,
        help_text="The last event id already read (0, or none, for the first)",
    )
    limit = serializers.IntegerField(
        required=False,
        default=DEFAULT_LIMIT,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"Events a page ({DEFAULT_LIMIT} unless given; at most {MAX_LIMIT})",
    )


class OutboxEventSerializer(serializers.Serializer):
    """One event, as core.outbox.event_json gives it (the webhook posts the same)."""

    id = serializers.IntegerField(help_text="Rising: the cursor to read on from")
    kind = serializers.ChoiceField(choices=OutboxKind.choices)
    occurred_at = serializers.DateTimeField()
    child_id = serializers.CharField(allow_null=True, help_text="The child's council ID")
    subject_type = serializers.CharField(help_text='The record, as "app_label.model"')
    subject_id = serializers.IntegerField(allow_null=True)
    payload = serializers.DictField(help_text="IDs, dates and codes only; never names or text")


class OutboxPageSerializer(serializers.Serializer):
    results = OutboxEventSerializer(many=True)
    last_id = serializers.IntegerField(
        help_text="Pass as `after` next time: the last id listed, or `after` if none were"
    )
    more = serializers.BooleanField(help_text="A full page: more may follow at once")
    next = serializers.CharField(help_text="The address to read on from")


def outbox_in_scope(user) -> QuerySet[OutboxEvent]:
    """The events `user` may read, in id order."""
    children = children_in_scope(user).order_by().values("child_id")
    return OutboxEvent.objects.filter(Q(child_ref="") | Q(child_ref__in=children)).order_by("pk")


class OutboxListView(generics.GenericAPIView):
    """Events after a cursor, oldest first: deadlines become overdue, review decisions
    circulated, conference outcomes recorded."""

    permission_classes = [HasUnitRole]
    serializer_class = OutboxEventSerializer
    pagination_class = None

    @extend_schema(
        parameters=[OutboxQuerySerializer],
        responses={200: OutboxPageSerializer, **REFUSALS},
    )
    def get(self, request: Request) -> Response:
        query = OutboxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        events = list(outbox_in_scope(request.user).filter(pk__gt=after)[:limit])
        last_id = events[-1].pk if events else after
        url = request.build_absolute_uri(request.path)
        return Response(
            {
                "results": [event_json(e) for e in events],
                "last_id": last_id,
                "more": len(events) == limit,
                "next": f"{url}?after={last_id}&limit={limit}",
            }
        )
