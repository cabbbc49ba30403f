import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import HasUnitRole
from core.services import today
from worklists.deadlines import open_deadlines


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    child = serializers.CharField(required=False)
    carer = serializers.CharField(required=False)
    due = serializers.DateField()
    status = serializers.ChoiceField(choices=["overdue", "due"])
    reason = serializers.CharField()
    rule = serializers.CharField(help_text="The rule that produced the due date.")
    iro = serializers.CharField()


class DeadlineQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    within = serializers.IntegerField(required=False, min_value=0)


class DeadlineListView(APIView):
    """Every open statutory deadline: the same list as `manage.py deadlines`."""

    permission_classes = [HasUnitRole]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", dt.date, description="Date overdue is measured from"),
            OpenApiParameter("within", int, description="Only items due within N days"),
        ],
        responses=DeadlineSerializer(many=True),
    )
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = open_deadlines(
            as_of=query.validated_data.get("as_of") or today(),
            within_days=query.validated_data.get("within"),
        )
        return Response([d.as_json() for d in items])
