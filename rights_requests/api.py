"""Included by trustcentre/api.py under /api/v1/: the public intake of rights requests
(ARCHITECTURE "Stable public contract"). Anonymous writes are limited per client IP by the
default AnonymousWriteThrottle."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from rights_requests import services
from rights_requests.models import Jurisdiction, RequestType, RightsRequest
from trustcentre.audit.services import client_ip


class TextField(serializers.CharField):
    """Text only: a number or a boolean is refused as the schema says (DRF's CharField would
    turn 0 into "0")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class RightsRequestCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=RequestType.values)
    email = serializers.EmailField(max_length=254)
    name = TextField(max_length=200)
    jurisdiction = serializers.ChoiceField(choices=Jurisdiction.values)
    company = TextField(max_length=200, required=False, allow_blank=True, default="")
    details = TextField(max_length=10_000, required=False, allow_blank=True, default="")


class RightsRequestSerializer(serializers.ModelSerializer):
    due_at = serializers.DateField(source="due_date", help_text="The statutory deadline.")

    class Meta:
        model = RightsRequest
        fields = ("reference", "status", "type", "jurisdiction", "received_at", "due_at")
        read_only_fields = fields


class RightsRequestCreate(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["rights requests"],
        summary="File a data-subject rights request",
        description=(
            "Anyone may file a request. A confirmation link is emailed to `email`; the request "
            "is worked on once it is confirmed (an opt-out of sale/sharing at once). Answers "
            "201 with the `reference`, `status`, `received_at` and `due_at`, the statutory "
            "deadline. Requests without a key are rate limited per client address (429)."
        ),
        request=RightsRequestCreateSerializer,
        responses={201: RightsRequestSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = RightsRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rr = services.rights_request_file(
            type=data["type"],
            email=data["email"],
            name=data["name"],
            jurisdiction=data["jurisdiction"],
            company_name=data.get("company", ""),
            details=data.get("details", ""),
            ip_address=client_ip(request),
        )
        return Response(RightsRequestSerializer(rr).data, status=status.HTTP_201_CREATED)


urlpatterns = [path("rights-requests/", RightsRequestCreate.as_view(), name="rights_requests")]
