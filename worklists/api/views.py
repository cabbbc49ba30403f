import datetime as dt

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import REFUSALS
from core.forms import EARLIEST_DATE, LATEST_DATE
from core.permissions import HasUnitRole
from core.services import today
from worklists.api.scope import scoped_user_id
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


# Ten years ahead is further than any statutory timescale; far more than that would run
# past the last date Python has (a `within` of 134217727 did).
WITHIN_MAX_DAYS = 3660
AS_OF_OUT_OF_RANGE = (
    f"as_of must be a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
)
WITHIN_NEGATIVE = "within must be a number of days, 0 or more"
WITHIN_TOO_LARGE = f"within must be at most {WITHIN_MAX_DAYS} days"


class DeadlineQuerySerializer(serializers.Serializer):
    """The query string. A bad value is a 400 naming the parameter, never a server error."""

    as_of = serializers.DateField(required=False, help_text="Date overdue is measured from")
    within = serializers.IntegerField(
        required=False,
        help_text=f"Only items due within N days (0 to {WITHIN_MAX_DAYS})",
        min_value=0,
        max_value=WITHIN_MAX_DAYS,
        error_messages={
            "invalid": "within must be a whole number of days",
            "max_string_length": WITHIN_TOO_LARGE,
            "min_value": WITHIN_NEGATIVE,
            "max_value": WITHIN_TOO_LARGE,
        },
    )

    def validate_as_of(self, value: dt.date) -> dt.date:
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise serializers.ValidationError(AS_OF_OUT_OF_RANGE)
        return value


class DeadlineListView(APIView):
    """Open statutory deadlines in the caller's scope, unpaged (v1 is the paged one).

    An IRO sees their own children's deadlines, as on /api/v1/deadlines/; the unit roles
    see the same list as `manage.py deadlines`.
    """

    permission_classes = [HasUnitRole]

    @extend_schema(
        parameters=[DeadlineQuerySerializer],
        responses={200: DeadlineSerializer(many=True), **REFUSALS},
    )
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = open_deadlines(
            as_of=query.validated_data.get("as_of") or today(),
            within_days=query.validated_data.get("within"),
            iro_user_id=scoped_user_id(request.user),
        )
        return Response([d.as_json() for d in items])
