"""The exports API: request an export, follow it, download its archive. Everything is read from
the calling key's organisation; an export of another organisation is a 404."""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from exports import services
from exports.models import DISPLAY_STATUSES, ExportFormat, ExportJob
from exports.permissions import organisation_may_export
from exports.sources import exportable_category_ids
from exports.views import archive_response, download_token, read_download_token
from trustcentre.accounts.api_auth import ApiKeyAuthentication, IsApiClient, api_organisation
from trustcentre.lib.api import PROBLEM_CONTENT_TYPE, problem_api_response
from trustcentre.lib.api_schema import ProblemSerializer
from trustcentre.lib.signed_links import BadSignature, SignatureExpired


class ExportRequestSerializer(serializers.Serializer):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=()),
        allow_empty=False,
        min_length=1,
        max_length=50,
        help_text="Category ids from the Data Act register (GET /api/v1/data-act/register/).",
    )
    format = serializers.ChoiceField(
        choices=ExportFormat.values,
        default=ExportFormat.JSON,
        help_text="csv, json or xlsx; json when left out.",
        error_messages={
            "invalid_choice": _("Unknown format: {input}. The formats are: csv, json, xlsx.")
        },
    )
    date_from = serializers.DateField(
        required=False, allow_null=True, help_text="First day of the period (ISO 8601, UTC)."
    )
    date_to = serializers.DateField(
        required=False, allow_null=True, help_text="Last day of the period, included."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry is read per request, not at import, so it follows the configured sources.
        known = exportable_category_ids()
        child = self.fields["categories"].child
        child.choices = known
        child.error_messages["invalid_choice"] = gettext(
            "Unknown category: {input}. The categories are: %(known)s."
        ) % {"known": ", ".join(known)}


class ExportFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    category = serializers.CharField(allow_null=True, help_text="null for an XLSX workbook.")
    part = serializers.IntegerField()
    rows = serializers.IntegerField()
    bytes = serializers.IntegerField()
    sha256 = serializers.CharField()


class ExportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(
        choices=DISPLAY_STATUSES,
        source="display_status",
        read_only=True,
        help_text="expired: completed, and the archive was deleted after its retention.",
    )
    format = serializers.ChoiceField(choices=ExportFormat.values, read_only=True)
    progress = serializers.FloatField(read_only=True, help_text="From 0 to 1.")
    row_counts = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    files = serializers.SerializerMethodField()
    sha256 = serializers.SerializerMethodField(help_text="SHA-256 of the zip, once done.")
    size = serializers.IntegerField(source="archive_bytes", read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField(
        help_text="Once completed (until it expires): a signed link, valid for a limited "
        "time, to GET with the same API key. Fetch this resource again for a fresh one."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = (
            "id",
            "url",
            "status",
            "progress",
            "categories",
            "format",
            "date_from",
            "date_to",
            "rows_written",
            "total_rows_expected",
            "row_counts",
            "files",
            "sha256",
            "size",
            "created_at",
            "finished_at",
            "expires_at",
            "error",
            "download_url",
        )
        read_only_fields = fields

    @extend_schema_field(ExportFileSerializer(many=True))
    def get_files(self, job) -> list[dict]:
        keys = ("name", "category", "part", "rows", "bytes", "sha256")
        return [{key: f.get(key) for key in keys} for f in job.files] if job.is_downloadable else []

    def get_sha256(self, job) -> str | None:
        return job.sha256 or None

    def get_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:export_detail", kwargs={"public_id": job.public_id})
        )

    def get_download_url(self, job) -> str | None:
        if not job.is_downloadable:
            return None
        path = reverse("api:export_download", kwargs={"public_id": job.public_id})
        return self.context["request"].build_absolute_uri(f"{path}?token={download_token(job)}")


class OrganisationMayExport(BasePermission):
    message = _("Only a customer's (or former customer's) API key can export data.")

    def has_permission(self, request, view):
        return organisation_may_export(api_organisation(request))


class _ExportApiView(APIView):
    # Keys only: an export answers for an organisation, not for a person in a browser.
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsApiClient, OrganisationMayExport]

    def get_job(self, public_id) -> ExportJob:
        return (
            ExportJob.objects.select_related("organisation")
            .filter(organisation=api_organisation(self.request), public_id=public_id)
            .first()
        )


def _not_found() -> Response:
    return problem_api_response(404, gettext("There is no such export for this API key."))


class ExportList(_ExportApiView):
    @extend_schema(
        tags=["exports"],
        summary="Request an export",
        description=(
            "Queues an export of the key's organisation: the categories, one format, and "
            "optionally a period (both dates included; at most the register's maximum period). "
            "Answers 202 with the job; follow its `url` until `status` is `completed`, then GET "
            "its `download_url` with the same key. One export runs at a time per organisation: "
            "a second request while one is queued or running gets 409 with that export's `id` "
            "and `url`. Send an `Idempotency-Key` header to make a retried request safe: the "
            "same key returns the first job."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Any string up to 200 characters, unique per intended export.",
            )
        ],
        request=ExportRequestSerializer,
        responses={
            202: ExportJobSerializer,
            (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="Another export of the organisation is queued or running; the "
                "problem's `export_id` and `export_url` name it.",
            ),
        },
    )
    def post(self, request):
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client_key = request.headers.get("Idempotency-Key", "")[:200] or None
        try:
            job = services.export_request(
                organisation=api_organisation(request),
                api_client=request.user,
                request=request,
                idempotency_key=client_key,
                **serializer.validated_data,
            )
        except services.ExportAlreadyRunning as running:
            return problem_api_response(
                409,
                gettext("An export of this organisation is already queued or running."),
                export_id=str(running.job.public_id),
                export_url=request.build_absolute_uri(
                    reverse("api:export_detail", kwargs={"public_id": running.job.public_id})
                ),
            )
        body = ExportJobSerializer(job, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ExportDetail(_ExportApiView):
    @extend_schema(
        tags=["exports"],
        summary="An export's status",
        description="Status, progress (0 to 1), row counts per category and, once completed, "
        "the SHA-256 of the zip and a signed `download_url`.",
        responses={200: ExportJobSerializer},
    )
    def get(self, request, public_id):
        job = self.get_job(public_id)
        if job is None:
            return _not_found()
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class _AnyAccept(BaseContentNegotiation):
    """The download answers with a zip whatever the Accept header says (errors stay JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportDownload(_ExportApiView):
    content_negotiation_class = _AnyAccept

    @extend_schema(
        tags=["exports"],
        summary="Download an export's zip",
        description="The `download_url` of a completed export. The token in it expires; the "
        "key must belong to the export's organisation at the time of the download.",
        parameters=[
            OpenApiParameter("token", str, OpenApiParameter.QUERY, required=True),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The zip."),
            (410, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="The link expired, or the archive was deleted after its retention.",
            ),
        },
    )
    def get(self, request, public_id):
        try:
            token_id = read_download_token(request.query_params.get("token", ""))
        except SignatureExpired:
            return problem_api_response(
                410, gettext("This download link has expired; GET the export again for a new one.")
            )
        except (BadSignature, ValueError):
            return _not_found()
        job = self.get_job(public_id)
        if job is None or token_id != job.public_id:
            return _not_found()
        if job.is_expired:
            return problem_api_response(
                410, gettext("This export's archive was deleted at the end of its retention.")
            )
        if not job.is_downloadable:
            return _not_found()
        response = archive_response(job)
        services.export_delivered(job=job, api_client=request.user, request=request, via="api")
        return response


urlpatterns = [
    path("exports/", ExportList.as_view(), name="exports"),
    path("exports/<uuid:public_id>/", ExportDetail.as_view(), name="export_detail"),
    path("exports/<uuid:public_id>/download/", ExportDownload.as_view(), name="export_download"),
]
