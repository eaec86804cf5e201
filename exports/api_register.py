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
    level = serializers.CharField(help_text="easy, medium or hard.")
    notes = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "DataActMigrationDifficulty"


class DifficultySerializer(serializers.Serializer):
    level = serializers.CharField(
        help_text="How hard it is to take the category to another service: easy, medium or hard."
    )
    note = serializers.CharField(allow_blank=True, help_text="Why, and what to map or keep.")

    class Meta:
        ref_name = "DataActDifficulty"


class LocationSerializer(serializers.Serializer):
    provider = serializers.CharField(help_text="Who runs the storage the data is kept in.")
    region = serializers.CharField(help_text="Where the storage is, e.g. a city and country.")
    jurisdiction = serializers.CharField(help_text="The law the storage is under.")

    class Meta:
        ref_name = "DataActLocation"


class CategoryMethodSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="ui or api: an id of the register's methods.")
    formats = serializers.ListField(
        child=serializers.CharField(), help_text="The formats this method exports it in."
    )
    default_format = serializers.CharField(
        help_text="The format used when none is chosen: csv in the portal, json in the API "
        "(or the category's only format)."
    )

    class Meta:
        ref_name = "DataActCategoryMethod"


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
    location = LocationSerializer(help_text="Where the category's data is stored.")
    formats = serializers.ListField(
        child=serializers.CharField(),
        help_text="The formats the category is exported in (csv, json, xlsx).",
    )
    methods = CategoryMethodSerializer(
        many=True, help_text="The methods that export the category, each with its formats."
    )
    derived = serializers.BooleanField(
        help_text="A report computed from stored rows when exported (nothing stored of its own)."
    )
    difficulty = DifficultySerializer()
    migration_difficulty = MigrationDifficultySerializer(
        help_text="Deprecated: the same as difficulty, with the note named notes."
    )

    class Meta:
        ref_name = "DataActCategory"


class ExcludedCategorySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="A stable id of the excluded category.")
    name = serializers.CharField()
    description = serializers.CharField(help_text="What the data is.")
    justification = serializers.CharField(
        help_text="Why it is not exported (Data Act Art. 25(2)(f))."
    )

    class Meta:
        ref_name = "DataActExcludedCategory"


class FormatSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="csv, json or xlsx: the format of the export API.")
    name = serializers.CharField()
    media_type = serializers.CharField()
    standard = serializers.CharField()
    description = serializers.CharField()
    precision = serializers.CharField(
        help_text="How exactly each kind of value (date-time, date, integer, number) is kept."
    )

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
    default_format = serializers.CharField(
        help_text="The format used when none is chosen: csv in the portal, json in the API."
    )

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


class SwitchingMethodSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="ui, api, provider_to_provider or own_infrastructure.")
    name = serializers.CharField()
    available = serializers.BooleanField(help_text="Whether the provider offers this method.")
    limitations = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    categories = serializers.ListField(
        child=serializers.CharField(),
        help_text="The category ids the row is limited to; empty for every category.",
    )

    class Meta:
        ref_name = "DataActSwitchingMethod"


class SwitchingSerializer(serializers.Serializer):
    methods = SwitchingMethodSerializer(
        many=True,
        help_text="One row per migration method, including those that are not available.",
    )
    periods = PeriodsSerializer()
    procedure = StepSerializer(many=True)

    class Meta:
        ref_name = "DataActSwitching"


class ControlReferenceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    url = serializers.URLField(help_text="The trust centre's list of controls.")

    class Meta:
        ref_name = "DataActControlReference"


class GovernmentAccessMeasureSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    control = ControlReferenceSerializer(
        allow_null=True, help_text="The trust centre control that carries it out, if one does."
    )

    class Meta:
        ref_name = "DataActGovernmentAccessMeasure"


class CustomExportsSerializer(serializers.Serializer):
    statement = serializers.CharField(
        allow_blank=True, help_text="Exports beyond the standard scope, and on what terms."
    )
    support_route = serializers.CharField(
        allow_blank=True, help_text="How to ask for an export that is not self-service."
    )
    support_email = serializers.CharField(allow_blank=True)
    support_url = serializers.CharField(allow_blank=True)

    class Meta:
        ref_name = "DataActCustomExports"


class RegisterVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    changes = serializers.CharField(help_text="What changed in this version.")

    class Meta:
        ref_name = "DataActRegisterVersion"


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
    version = serializers.IntegerField(
        allow_null=True,
        help_text="The published version of the provider's statements; null before the first.",
    )
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When that version was published."
    )
    versions = RegisterVersionSerializer(
        many=True, help_text="Every published version, newest first, with what changed."
    )
    categories = RegisterCategorySerializer(many=True)
    excluded_categories = ExcludedCategorySerializer(many=True)
    formats = FormatSerializer(many=True)
    value_forms = ValueFormSerializer(many=True)
    archive = ArchiveSerializer()
    fidelity = serializers.CharField(help_text="How faithfully each format keeps the data.")
    methods = MethodSerializer(many=True)
    limits = LimitsSerializer()
    switching = SwitchingSerializer()
    government_access_measures = GovernmentAccessMeasureSerializer(
        many=True,
        help_text="Measures against international governmental access to, or transfer of, "
        "non-personal data (Data Act Art. 28(1)(e), Art. 32).",
    )
    custom_exports = CustomExportsSerializer(
        help_text="Exports beyond the standard scope and the support route."
    )
    standards = StandardSerializer(many=True)

    class Meta:
        ref_name = "DataActRegister"


@extend_schema(
    tags=["data act"],
    summary="The register of exportable data",
    description="The EU Data Act (Art. 26) register, generated from the data sources: every "
    "exportable category with its fields, types, standards and a JSON Schema (draft 2020-12) "
    "of one row, where it is stored, its formats and methods with their default format, and "
    "how hard it is to migrate; limits; the categories excluded from export with their "
    "justification; the switching methods, procedure and periods; the measures against "
    "governmental access; custom exports; the published version and the earlier ones. "
    "Public: no key needed.",
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
