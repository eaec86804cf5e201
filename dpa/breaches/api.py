"""Security notices for a customer's API key (included under /api/v1/): the breach notifications
sent to the key's organisation and their numbered follow-ups, read-only. Acknowledging is a
person's act, in the portal."""

from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from dpa.breaches.models import FollowUp, FollowUpNotice, Incident, Notification
from trustcentre.accounts.api_auth import ApiKeyAuthentication, IsApiClient, api_organisation
from trustcentre.lib.api import CursorPagination, problem_response


class IncidentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Incident
        fields = ("id", "reference", *Incident.NOTICE_FIELDS)
        read_only_fields = fields


class FollowUpUpdatesSerializer(serializers.ModelSerializer):
    """Only the facts the follow-up restates; the others are left out."""

    class Meta:
        model = FollowUp
        fields = FollowUp.UPDATE_FIELDS
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {name: value for name, value in data.items() if value not in ("", None)}


class SecurityNoticeFollowUpSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    number = serializers.IntegerField(source="follow_up.number", read_only=True)
    kind = serializers.ChoiceField(
        source="follow_up.kind", choices=FollowUp.Kind.choices, read_only=True
    )
    final = serializers.BooleanField(source="follow_up.is_final", read_only=True)
    body = serializers.CharField(source="follow_up.body", read_only=True)
    updates = FollowUpUpdatesSerializer(source="follow_up", read_only=True)
    acknowledged = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpNotice
        fields = (
            "id",
            "number",
            "kind",
            "final",
            "body",
            "updates",
            "sent_at",
            "acknowledged",
            "acknowledged_at",
        )
        read_only_fields = fields

    def get_acknowledged(self, notice) -> bool:
        return notice.acknowledged_at is not None


class SecurityNoticeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    incident = IncidentSerializer(read_only=True)
    acknowledged = serializers.SerializerMethodField()
    follow_ups = SecurityNoticeFollowUpSerializer(
        source="follow_up_notices", many=True, read_only=True
    )

    class Meta:
        model = Notification
        fields = ("id", "incident", "notified_at", "acknowledged", "acknowledged_at", "follow_ups")
        read_only_fields = fields

    def get_acknowledged(self, notification) -> bool:
        return notification.acknowledged_at is not None


class ByNotification(CursorPagination):
    ordering = "-notified_at"


def _notices(request):
    follow_ups = FollowUpNotice.objects.select_related("follow_up").order_by("follow_up__number")
    return (
        Notification.objects.filter(organisation=api_organisation(request))
        .select_related("incident")
        .prefetch_related(Prefetch("follow_up_notices", queryset=follow_ups))
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
        "newest first, with whether someone acknowledged it in the portal, and its follow-ups "
        "(GDPR Art. 33(4)) numbered from 1 in order, each acknowledged on its own. The same "
        "events are sent as the `security.notice.published` and `security.notice.follow_up` "
        "webhooks.",
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
