"""Security notices for a customer's API key (included under /api/v1/): the breach notifications
sent to the key's organisation, read-only. Acknowledging is a person's act, in the portal."""

from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from dpa.breaches.models import Incident, Notification
from trustcentre.accounts.api_auth import ApiKeyAuthentication, IsApiClient, api_organisation
from trustcentre.lib.api import CursorPagination, problem_response


class IncidentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Incident
        fields = ("id", "reference", *Incident.NOTICE_FIELDS)
        read_only_fields = fields


class SecurityNoticeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    incident = IncidentSerializer(read_only=True)
    acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "incident", "notified_at", "acknowledged", "acknowledged_at")
        read_only_fields = fields

    def get_acknowledged(self, notification) -> bool:
        return notification.acknowledged_at is not None


class ByNotification(CursorPagination):
    ordering = "-notified_at"


def _notices(request):
    return Notification.objects.filter(organisation=api_organisation(request)).select_related(
        "incident"
    )


class SecurityNoticeList(ListAPIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsApiClient]
    serializer_class = SecurityNoticeSerializer
    pagination_class = ByNotification

    def get_queryset(self):
        return _notices(self.request)

    @extend_schema(
        tags=["security notices"],
        summary="Breach notifications to your organisation (customer key)",
        description="Every personal data breach notification sent to the key's organisation, "
        "newest first, with whether someone acknowledged it in the portal. The same event is "
        "sent as the `security.notice.published` webhook.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SecurityNoticeDetail(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsApiClient]

    @extend_schema(
        tags=["security notices"],
        summary="One breach notification (customer key)",
        description="A notification of another organisation is a 404.",
        responses={200: SecurityNoticeSerializer},
    )
    def get(self, request, public_id):
        notification = _notices(request).filter(public_id=public_id).first()
        if notification is None:
            return problem_response(404, gettext("There is no such security notice for this key."))
        return Response(SecurityNoticeSerializer(notification).data)


urlpatterns = [
    path("security-notices/", SecurityNoticeList.as_view(), name="security_notices"),
    path(
        "security-notices/<uuid:public_id>/",
        SecurityNoticeDetail.as_view(),
        name="security_notice",
    ),
]
