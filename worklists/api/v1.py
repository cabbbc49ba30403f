"""Version 1 of the API: each person reads only the scope their pages show them.

An IRO reads the children they hold now and those children's deadlines (and the carers
they review); business support, the Head of Service and administrators read the unit.
Every GET under /api/ is kept as an access event by core.audit's middleware.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.permissions import HasUnitRole
from core.services import today
from iro.models import Child
from worklists.api.scope import children_in_scope, scoped_user_id
from worklists.api.views import (
    PAGED_REFUSALS,
    DeadlineQuerySerializer,
    DeadlineSerializer,
)
from worklists.deadlines import open_deadlines


class ChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["child_id", "first_name", "last_name", "date_of_birth", "sex"]


class ChildFilter(filters.FilterSet):
    class Meta:
        model = Child
        fields = {"child_id": ["exact"], "date_of_birth": ["gte", "lte"]}


@extend_schema_view(
    get=extend_schema(responses={200: ChildSerializer(many=True), **PAGED_REFUSALS})
)
class ChildListView(generics.ListAPIView):
    """The children in the caller's scope, paged and filtered in the database."""

    permission_classes = [HasUnitRole]
    serializer_class = ChildSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ChildFilter

    def get_queryset(self) -> QuerySet[Child]:
        return children_in_scope(self.request.user)


class DeadlineListView(generics.GenericAPIView):
    """Open deadlines in the caller's scope, each with its reason and state, paged."""

    permission_classes = [HasUnitRole]
    serializer_class = DeadlineSerializer

    @extend_schema(
        parameters=[DeadlineQuerySerializer],
        responses={200: DeadlineSerializer(many=True), **PAGED_REFUSALS},
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = open_deadlines(
            as_of=query.validated_data.get("as_of") or today(),
            within_days=query.validated_data.get("within"),
            iro_user_id=scoped_user_id(request.user),
        )
        page = self.paginate_queryset([d.as_json() for d in items])
        return self.get_paginated_response(page)
