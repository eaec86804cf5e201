"""The sub-processor API (included under /api/v1/): the public list and change notices,
subscriptions (double opt-in), and objections by a customer's API key."""

import datetime
import zoneinfo

from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from subprocessors import services, terms
from subprocessors.models import (
    ChangeNotice,
    NoticeOrganisation,
    Objection,
    SubProcessor,
    Topic,
    TransferMechanism,
)
from trustcentre.accounts.api_auth import ApiKeyAuthentication, IsApiClient, api_organisation
from trustcentre.lib.api import (
    PROBLEM_CONTENT_TYPE,
    CursorPagination,
    problem_api_response,
    problem_type_url,
)
from trustcentre.lib.api_schema import ProblemSerializer


class SubProcessorSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    countries = serializers.ListField(
        child=serializers.CharField(), help_text="ISO 3166-1 alpha-2 codes."
    )
    transfer_mechanism = serializers.ChoiceField(choices=TransferMechanism.values)
    transfer_mechanism_label = serializers.CharField(read_only=True)
    services = serializers.ListField(child=serializers.CharField())
    data_categories = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=SubProcessor.Status.values)

    class Meta:
        model = SubProcessor
        fields = (
            "id",
            "name",
            "legal_entity",
            "purpose",
            "services",
            "data_categories",
            "countries",
            "transfer_mechanism",
            "transfer_mechanism_label",
            "website",
            "status",
        )
        read_only_fields = fields


class ChangeNoticeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = serializers.ChoiceField(choices=ChangeNotice.Kind.values)
    status = serializers.ChoiceField(choices=ChangeNotice.Status.values)
    subprocessor = SubProcessorSerializer()
    replaces = SubProcessorSerializer(allow_null=True)
    objection_deadline = serializers.DateTimeField(
        allow_null=True,
        help_text="The deadline under the default window; a customer's DPA may set its own "
        "(a customer key sees its own deadline).",
    )
    effective_at = serializers.SerializerMethodField(
        help_text="When the change takes effect: the start of its day in the provider's time "
        "zone, with that zone's UTC offset (so the date part is `effective_date`)."
    )
    effective_date = serializers.SerializerMethodField(
        help_text="The calendar day the change takes effect, in the provider's time zone: the "
        "day the pages, emails, feed and calendar files name."
    )
    list_version = serializers.SerializerMethodField()

    class Meta:
        model = ChangeNotice
        fields = (
            "id",
            "kind",
            "summary",
            "reason",
            "subprocessor",
            "replaces",
            "announced_at",
            "objection_deadline",
            "effective_at",
            "effective_date",
            "status",
            "list_version",
        )
        read_only_fields = fields

    def get_effective_at(self, notice) -> datetime.datetime | None:
        return _iso(notice.effective_at) if notice.effective_at else None

    def get_effective_date(self, notice) -> datetime.date | None:
        day = notice.effective_day
        return day.isoformat() if day else None

    def get_list_version(self, notice) -> int | None:
        version = getattr(notice, "list_version", None)
        return version.number if version is not None else None

    def to_representation(self, notice):
        data = super().to_representation(notice)
        own = self.context.get("own_deadlines", {}).get(notice.pk)
        if own is not None:
            data["objection_deadline"] = serializers.DateTimeField().to_representation(own)
        return data


class ByCreation(CursorPagination):
    ordering = "-created_at"


class ByName(CursorPagination):
    ordering = "created_at"


class SubProcessorList(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = SubProcessorSerializer
    pagination_class = ByName

    def get_queryset(self):
        return SubProcessor.objects.listed()

    @extend_schema(
        tags=["subprocessors"],
        summary="The current sub-processor list",
        description="Every sub-processor in use, with processing countries (ISO 3166-1 "
        "alpha-2) and the transfer mechanism.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ChangeNoticeList(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = ChangeNoticeSerializer
    pagination_class = ByCreation

    def get_queryset(self):
        return ChangeNotice.objects.public().select_related(
            "subprocessor", "replaces", "list_version"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        organisation = getattr(self.request.auth, "organisation", None)
        if organisation is not None:
            context["own_deadlines"] = dict(
                NoticeOrganisation.objects.filter(organisation=organisation).values_list(
                    "notice_id", "objection_deadline"
                )
            )
        return context

    @extend_schema(
        tags=["subprocessors"],
        summary="Change notices",
        description="Announced, effective and withdrawn changes, newest first. With a "
        "customer's API key, `objection_deadline` is that customer's own.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SubscriptionRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.values),
        allow_empty=False,
        min_length=1,
        max_length=len(Topic.values),
    )


class SubscriptionAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class SubscriptionCreate(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["subprocessors"],
        summary="Subscribe an email address (double opt-in)",
        description="Answers 202 whether or not the address is already subscribed; a "
        "confirmation email with a link follows. Nothing is sent to the address before it is "
        "confirmed. Topics: " + ", ".join(Topic.values) + ".",
        request=SubscriptionRequestSerializer,
        responses={202: SubscriptionAcceptedSerializer},
    )
    def post(self, request):
        serializer = SubscriptionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.subscription_request(request=request, **serializer.validated_data)
        return Response(
            {
                "detail": gettext(
                    "If the address can receive our updates, a confirmation email is on its way."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


class ObjectionRequestSerializer(serializers.Serializer):
    grounds = serializers.CharField(
        max_length=5000,
        help_text="The data-protection grounds of the objection.",
        error_messages={"blank": _("State the data-protection grounds of the objection.")},
    )


class ObjectionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    notice = serializers.UUIDField(source="notice.public_id", read_only=True)
    status = serializers.ChoiceField(choices=Objection.Status.values)
    resolution = serializers.CharField(allow_blank=True)

    class Meta:
        model = Objection
        fields = (
            "id",
            "notice",
            "grounds",
            "created_at",
            "status",
            "resolution",
            "resolution_notes",
            "resolved_at",
        )
        read_only_fields = fields


# The problem types of an objection's 409, documented in the operation's responses.
OBJECTION_TOO_LATE = "objection-too-late"
OBJECTION_EXISTS = "objection-exists"
NOTICE_CLOSED = "notice-closed"


def _iso(value) -> str:
    """An instant in ISO 8601 with the provider's offset, so its date part is the provider's
    calendar day (the day every page names), while still naming the same instant."""
    return value.astimezone(zoneinfo.ZoneInfo(terms.deadline_zone_name())).isoformat()


class ObjectionConflictSerializer(ProblemSerializer):
    """The 409 of an objection: which conflict `type` names, and for a late one the deadline."""

    type = serializers.CharField(
        help_text="`<site>/api/problems/objection-too-late`: the customer's objection window "
        "has closed (`deadline` says when). `<site>/api/problems/objection-exists`: the "
        "organisation already objected (`objection_id`). `<site>/api/problems/notice-closed`: "
        "the notice was withdrawn or has taken effect.",
    )
    deadline = serializers.DateTimeField(
        required=False,
        help_text="Late objections only: the organisation's objection deadline (ISO 8601, "
        "with the provider's UTC offset).",
    )
    objection_deadline = serializers.DateTimeField(
        required=False, help_text="The same as `deadline`, kept for existing clients."
    )
    objection_id = serializers.UUIDField(
        required=False, help_text="Already objected only: the existing objection."
    )

    class Meta:
        ref_name = "ObjectionConflict"


class ObjectionCreate(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsApiClient]

    @extend_schema(
        tags=["subprocessors"],
        summary="Object to a change (customer key)",
        description="Within the customer's own objection window. After it: 409 with the "
        "deadline (`deadline`) in the problem. A notice that does not concern the "
        "key's organisation is a 404.",
        request=ObjectionRequestSerializer,
        responses={
            201: ObjectionSerializer,
            (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ObjectionConflictSerializer,
                description="Too late (`type` ends in `objection-too-late`; `deadline` is the "
                "organisation's deadline and `detail` names it in words), already objected "
                "(`objection-exists`), or the notice is no longer open (`notice-closed`).",
            ),
        },
    )
    def post(self, request, public_id):
        organisation = api_organisation(request)
        row = (
            NoticeOrganisation.objects.select_related("notice")
            .filter(organisation=organisation, notice__public_id=public_id)
            .exclude(notice__status=ChangeNotice.Status.DRAFT)
            .first()
        )
        if row is None:
            return problem_api_response(
                404, gettext("There is no such change notice for this API key.")
            )
        serializer = ObjectionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            objection = services.objection_raise(
                notice=row.notice,
                organisation=organisation,
                grounds=serializer.validated_data["grounds"],
                api_client=request.user,
                request=request,
            )
        except services.ObjectionTooLate as late:
            return problem_api_response(
                409,
                late.message,
                type=problem_type_url(OBJECTION_TOO_LATE),
                title=gettext("Objection too late"),
                deadline=_iso(late.deadline),
                objection_deadline=_iso(late.deadline),
            )
        except services.AlreadyObjected as already:
            return problem_api_response(
                409,
                gettext("This organisation has already objected to this change."),
                type=problem_type_url(OBJECTION_EXISTS),
                title=gettext("Already objected"),
                objection_id=str(already.objection.public_id),
            )
        except services.ObjectionClosed:
            return problem_api_response(
                409,
                gettext("This notice is no longer open for objections."),
                type=problem_type_url(NOTICE_CLOSED),
                title=gettext("Notice closed"),
            )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("subprocessors/", SubProcessorList.as_view(), name="subprocessors"),
    path("subprocessors/changes/", ChangeNoticeList.as_view(), name="subprocessor_changes"),
    path(
        "subprocessors/subscriptions/",
        SubscriptionCreate.as_view(),
        name="subprocessor_subscriptions",
    ),
    path(
        "subprocessors/changes/<uuid:public_id>/objections/",
        ObjectionCreate.as_view(),
        name="subprocessor_objections",
    ),
]
