"""What every API read may answer besides its 200, for the OpenAPI document."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class RefusalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()


# What every read may answer besides its 200: the caller is not signed in or has no role
# in the unit (403), or a query parameter is wrong (400: each parameter's messages).
REFUSALS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="A query parameter is wrong: its messages, by name"
    ),
    403: OpenApiResponse(RefusalSerializer, description="Not signed in, or no role in the unit"),
}
# A paged list also answers 404 for a page past its end.
PAGED_REFUSALS = {
    **REFUSALS,
    404: OpenApiResponse(RefusalSerializer, description="No such page"),
}
