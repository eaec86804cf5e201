"""GET /api/v1/retention-schedule/: the retention schedule as JSON, for anyone, no key needed.
The response goes through the serializers that document it, so the schema cannot drift."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from retention.schedule import build_schedule


class RetentionEntrySerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="Stable id of the kind of data, e.g. export_archives, customer_data:leads."
    )
    data = serializers.CharField(help_text="The kind of data.")
    period = serializers.CharField(help_text="The period in words, e.g. 7 days.")
    period_iso = serializers.CharField(
        allow_null=True,
        help_text="The period as an ISO 8601 duration (P7D, P12M, PT12H); null when it is not "
        "a fixed length (customer data: the contract's term, then the retrieval period).",
    )
    starts = serializers.CharField(help_text="What starts the period.")
    at_end = serializers.CharField(help_text="What happens at its end.")
    source = serializers.CharField(
        help_text="setting: fixed by the portal's configuration and applied by the job named; "
        "contract: follows the customer's contract and the end-of-contract procedure; legal: "
        "the provider's statement, maintained by its legal team."
    )
    setting = serializers.CharField(
        allow_blank=True, help_text="The configuration setting that fixes the period, if any."
    )
    setting_value = serializers.IntegerField(
        allow_null=True, help_text="That setting's value, in the unit its name says."
    )
    job = serializers.CharField(
        allow_blank=True, help_text="The housekeeping job that applies the period, if any."
    )
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When legal last changed this entry (legal entries only)."
    )

    class Meta:
        ref_name = "RetentionEntry"


class RetentionScheduleSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The schedule as a web page.")
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="The latest change legal published."
    )
    entries = RetentionEntrySerializer(many=True)

    class Meta:
        ref_name = "RetentionSchedule"


@extend_schema(
    tags=["retention"],
    summary="The retention schedule",
    description="Every kind of data the portal and its data sources hold, with its retention "
    "period, what starts it and what happens at its end. Periods fixed by settings are read "
    "from them, as the housekeeping jobs do. Public: no key needed.",
    responses={200: RetentionScheduleSerializer},
)
class RetentionScheduleView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # a public read; the per-key limit does not apply

    def get(self, request):
        schedule = build_schedule()
        payload = {
            "url": request.build_absolute_uri(reverse("retention:schedule")),
            "updated_at": schedule["updated_at"],
            "entries": [vars(entry) for entry in schedule["entries"]],
        }
        return Response(RetentionScheduleSerializer(payload).data)


urlpatterns = [
    path("retention-schedule/", RetentionScheduleView.as_view(), name="retention_schedule"),
]
