"""GET /api/v1/data-act/register/: the Data Act register as JSON, for anyone, no key needed.

The serializers describe the register's shape for the OpenAPI schema, and the response goes
through them, so the documentation cannot drift from what is returned (a test compares the
two with build_register())."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from exports.register import build_register
from exports.sources.base import FieldType

FIELD_TYPES = [value for name, value in vars(FieldType).items() if name.isupper()]

# Closed lists are documented in help texts, not as enums: drf-spectacular turns every enum
# into a component named after the field ("IdEnum", "TypeEnum"), which would clash with the
# same names in other APIs (an export's "format" has the same values as a format's "id").


class ProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    legal_name = serializers.CharField(allow_blank=True)
    website = serializers.CharField(allow_blank=True)
    contact_email = serializers.CharField(
        allow_blank=True, help_text="Where to send switching requests and questions."
    )

    class Meta:
        ref_name = "DataActProvider"


class RegisterFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField(help_text="One of: " + ", ".join(FIELD_TYPES) + ".")
    standard = serializers.CharField(
        allow_blank=True, help_text="The standard the value follows, e.g. ISO 8601."
    )
    description = serializers.CharField()
    personal = serializers.BooleanField(help_text="Identifies or describes a natural person.")
    nullable = serializers.BooleanField(
        help_text="The value may be missing (null in JSON, empty in CSV)."
    )

    class Meta:
        ref_name = "DataActField"


class MigrationDifficultySerializer(serializers.Serializer):
    level = serializers.CharField(help_text="low, medium or high.")
    notes = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "DataActMigrationDifficulty"


class RegisterCategorySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The id used by the export API, e.g. leads.")
    name = serializers.CharField()
    description = serializers.CharField()
    schema_version = serializers.CharField()
    date_field = serializers.CharField(help_text="The field a date period filters on.")
    contains_personal_data = serializers.BooleanField()
    fields = RegisterFieldSerializer(many=True)
    json_schema_url = serializers.URLField(help_text="The JSON Schema below, as a file of its own.")
    json_schema = serializers.JSONField(
        help_text="JSON Schema (draft 2020-12) of one row in a JSON export."
    )
    migration_difficulty = MigrationDifficultySerializer()

    class Meta:
        ref_name = "DataActCategory"


class ExcludedCategorySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    justification = serializers.CharField()

    class Meta:
        ref_name = "DataActExcludedCategory"


class FormatSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="csv, json or xlsx: the format of the export API.")
    name = serializers.CharField()
    media_type = serializers.CharField()
    standard = serializers.CharField()
    description = serializers.CharField()

    class Meta:
        ref_name = "DataActFormat"


class ValueFormSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="One of: " + ", ".join(FIELD_TYPES) + ".")
    form = serializers.CharField()

    class Meta:
        ref_name = "DataActValueForm"


class ArchiveSerializer(serializers.Serializer):
    media_type = serializers.CharField()
    description = serializers.CharField()

    class Meta:
        ref_name = "DataActArchive"


class MethodSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="ui or api.")
    name = serializers.CharField()
    url = serializers.URLField()
    description = serializers.CharField()
    documentation = serializers.URLField(required=False)

    class Meta:
        ref_name = "DataActMethod"


class LimitsSerializer(serializers.Serializer):
    api_requests_per_minute = serializers.IntegerField()
    max_file_bytes = serializers.IntegerField(help_text="Larger data files are split into parts.")
    max_period_days = serializers.IntegerField()
    archive_retention_days = serializers.IntegerField()
    concurrent_exports_per_organisation = serializers.IntegerField()
    description = serializers.CharField()

    class Meta:
        ref_name = "DataActLimits"


class PeriodsSerializer(serializers.Serializer):
    notice_max_months = serializers.IntegerField()
    transition_max_days = serializers.IntegerField()
    unfeasibility_notice_working_days = serializers.IntegerField()
    transition_unfeasible_max_months = serializers.IntegerField()
    retrieval_min_days = serializers.IntegerField()

    class Meta:
        ref_name = "DataActPeriods"


class StepSerializer(serializers.Serializer):
    step = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()

    class Meta:
        ref_name = "DataActSwitchingStep"


class SwitchingSerializer(serializers.Serializer):
    periods = PeriodsSerializer()
    procedure = StepSerializer(many=True)

    class Meta:
        ref_name = "DataActSwitching"


class StandardSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()

    class Meta:
        ref_name = "DataActStandard"


class RegisterSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField(help_text="The register as a web page.")
    json_url = serializers.URLField(help_text="This document.")
    provider = ProviderSerializer()
    generated_at = serializers.DateTimeField()
    categories = RegisterCategorySerializer(many=True)
    excluded_categories = ExcludedCategorySerializer(many=True)
    formats = FormatSerializer(many=True)
    value_forms = ValueFormSerializer(many=True)
    archive = ArchiveSerializer()
    fidelity = serializers.CharField(help_text="How faithfully each format keeps the data.")
    methods = MethodSerializer(many=True)
    limits = LimitsSerializer()
    switching = SwitchingSerializer()
    standards = StandardSerializer(many=True)

    class Meta:
        ref_name = "DataActRegister"


@extend_schema(
    tags=["data act"],
    summary="The register of exportable data",
    description="The EU Data Act (Art. 26) register, generated from the data sources: every "
    "exportable category with its fields, types, standards and a JSON Schema (draft 2020-12) "
    "of one row; formats, export methods and limits; the categories excluded from export with "
    "their justification; the switching procedure and periods. Public: no key needed.",
    responses={200: RegisterSerializer},
)
class DataActRegisterView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # a public read; the per-key limit does not apply

    def get(self, request):
        return Response(RegisterSerializer(build_register()).data)


urlpatterns = [
    path("data-act/register/", DataActRegisterView.as_view(), name="data_act_register"),
]
