"""The Data Act register of exportable data, built from the data sources and settings on demand.

Regulation (EU) 2023/2854 (Data Act), Art. 26(b), asks a provider of data processing services
for an up-to-date online register of the data structures, formats, standards and open
specifications of the exportable data (Art. 25(2)(e)), and Art. 25(2)(f) for the exhaustive list
of what is exempted. Nothing here is written by hand per category: a field added to a source
appears in the register, its JSON Schema and the exports at once.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from exports.end_of_contract import periods
from exports.formats import datetime_text, precision_note
from exports.sources import exportable_categories, get_sources
from exports.sources.base import (
    DEFAULT_FORMAT,
    Category,
    ExportMethod,
    FieldType,
    SchemaField,
    StorageLocation,
)
from exports.statements import statements_snapshot
from exports.statements_models import RegisterVersion
from exports.writers.csv_records import EMPTY_AND_MISSING_RULE
from trustcentre.pages.models import ProviderProfile

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# One JSON Schema "pattern" per type whose text has a fixed shape. "format" is only an
# annotation in draft 2020-12 unless a validator opts in, so the pattern is what is checked.
PATTERNS = {
    FieldType.DATETIME: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$",
    FieldType.DATE: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    FieldType.UUID: r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    FieldType.PHONE: r"^\+[1-9][0-9]{1,14}$",
    FieldType.COUNTRY: r"^[A-Z]{2}$",
    FieldType.IP_NETWORK: (
        r"^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}0/24$"
        r"|^[0-9a-f]{1,4}(:[0-9a-f]{0,4}){1,7}/48$"
    ),
}
FORMATS = {
    FieldType.DATETIME: "date-time",
    FieldType.DATE: "date",
    FieldType.UUID: "uuid",
    FieldType.EMAIL: "email",
}
JSON_TYPES = {
    FieldType.INTEGER: "integer",
    FieldType.NUMBER: "number",
    FieldType.BOOLEAN: "boolean",
    FieldType.JSON: "object",
}

# How each type's values are written (the contract of exports/formats.py), for the register.
VALUE_FORMS = {
    FieldType.STRING: "Text as stored (UTF-8).",
    FieldType.INTEGER: "Decimal digits, with a leading '-' when negative.",
    FieldType.NUMBER: "Decimal number with a '.' separator.",
    FieldType.BOOLEAN: "true or false (JSON: the literals true and false).",
    FieldType.DATETIME: "ISO 8601 in UTC with microseconds: YYYY-MM-DDTHH:MM:SS.ffffffZ.",
    FieldType.DATE: "ISO 8601 calendar date: YYYY-MM-DD.",
    FieldType.UUID: "RFC 4122 text: 36 characters, lower-case hexadecimal with hyphens.",
    FieldType.EMAIL: "RFC 5322 addr-spec, as given.",
    FieldType.PHONE: "E.164: '+', the country code and the number, digits only.",
    FieldType.COUNTRY: "ISO 3166-1 alpha-2 code in upper case.",
    FieldType.IP_NETWORK: "CIDR notation (RFC 4632) of the masked network: IPv4 /24, IPv6 /48.",
    FieldType.JSON: "A JSON object (in CSV: compact JSON text with sorted keys).",
}

STANDARDS = {
    "ISO 8601": "Date and time format",
    "RFC 4122": "Universally unique identifiers (UUID); its text form is kept by RFC 9562",
    "ISO 3166-1 alpha-2": "Two-letter country codes",
    "RFC 5322": "Internet Message Format: email addresses (addr-spec)",
    "E.164": "ITU-T international public telecommunication numbering plan",
    "RFC 4632": "Classless Inter-domain Routing (CIDR) notation",
    "RFC 3986": "Uniform Resource Identifier (URI): generic syntax",
    "RFC 4180": "Common format for comma-separated values (CSV) files",
    "RFC 8259": "The JavaScript Object Notation (JSON) data interchange format",
    "ECMA-376": "Office Open XML file formats (XLSX), also ISO/IEC 29500",
    "JSON Schema 2020-12": "The schema language of each category's row description",
    "RFC 3629": "UTF-8 character encoding",
    "FIPS 180-4": "SHA-256 checksums of every delivered file",
}

# The standards of the files themselves, whatever the fields.
FORMAT_STANDARDS = [
    "RFC 4180",
    "RFC 8259",
    "ECMA-376",
    "JSON Schema 2020-12",
    "RFC 3629",
    "FIPS 180-4",
]

FIDELITY_STATEMENT = (
    "CSV and JSON files are byte-faithful to the data: every value is written exactly as stored, "
    "including text that begins with =, +, - or @, because portability to another service comes "
    "first. Spreadsheet programs may treat such text in a CSV file as a formula: import CSV files "
    "into a spreadsheet as text, or use the XLSX format. In XLSX workbooks every cell is written "
    "as a typed value (number, boolean, date) or as text, never as a formula; date-times are "
    "ISO 8601 text so that they keep their microseconds."
)


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def field_json_schema(field: SchemaField) -> dict:
    """The JSON Schema (draft 2020-12) of one field's value in a JSON export row."""
    json_type = JSON_TYPES.get(field.type, "string")
    description = field.description + (f" Standard: {field.standard}." if field.standard else "")
    schema: dict = {
        "type": [json_type, "null"] if field.nullable else json_type,
        "description": description,
    }
    if field.type in FORMATS:
        schema["format"] = FORMATS[field.type]
    if field.type in PATTERNS:
        schema["pattern"] = PATTERNS[field.type]
    if json_type == "string" and field.max_length:
        schema["maxLength"] = field.max_length
    if field.choices:
        schema["enum"] = [*field.choices, None] if field.nullable else list(field.choices)
    return schema


def json_schema(category: Category) -> dict:
    """The JSON Schema (draft 2020-12) of one row of the category, as the JSON export writes it:
    an object with every field present, null where a value is missing."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": _site_url(reverse("data_act:schema", args=[category.id])),
        "$comment": f"Schema version {category.schema_version} of the {category.id} category.",
        "title": category.name,
        "description": category.description,
        "type": "object",
        "properties": {field.name: field_json_schema(field) for field in category.fields},
        "required": category.field_names,
        "additionalProperties": False,
    }


def _location(source, category: Category) -> dict:
    """Where the category is stored: its own location, its source's, else the settings."""
    location = category.location or getattr(source, "location", None)
    if location is None:
        location = StorageLocation(
            provider=settings.EXPORT_STORAGE_PROVIDER,
            region=settings.EXPORT_STORAGE_REGION,
            jurisdiction=settings.EXPORT_STORAGE_JURISDICTION,
        )
    return {
        "provider": location.provider,
        "region": location.region,
        "jurisdiction": location.jurisdiction,
    }


def _category_entry(source, category: Category) -> dict:
    return {
        "id": category.id,
        "name": category.name,
        "description": category.description,
        "schema_version": category.schema_version,
        "date_field": category.date_field,
        "contains_personal_data": any(field.personal for field in category.fields),
        "fields": [
            {
                "name": field.name,
                "type": field.type,
                "standard": field.standard,
                "description": field.description,
                "personal": field.personal,
                "nullable": field.nullable,
            }
            for field in category.fields
        ],
        "json_schema_url": _site_url(reverse("data_act:schema", args=[category.id])),
        "json_schema": json_schema(category),
        "location": _location(source, category),
        "formats": list(category.formats),
        "methods": [
            {
                "method": method,
                "formats": list(category.formats),
                "default_format": category.default_format(method),
            }
            for method in category.methods
        ],
        "derived": category.derived,
        "difficulty": {"level": category.migration_difficulty, "note": category.migration_notes},
        # The same as difficulty, under its first name: kept for clients written against it.
        "migration_difficulty": {
            "level": category.migration_difficulty,
            "notes": category.migration_notes,
        },
    }


def _provider() -> dict:
    profile = ProviderProfile.current()
    if profile is None:
        return {
            "name": settings.PROVIDER_NAME,
            "legal_name": "",
            "website": "",
            "contact_email": "",
        }
    return {
        "name": profile.name,
        "legal_name": profile.legal_name,
        "website": profile.website,
        "contact_email": profile.privacy_contact_email,
    }


def _formats() -> list[dict]:
    return [
        {
            "id": "csv",
            "precision": precision_note("csv"),
            "name": "CSV",
            "media_type": "text/csv",
            "standard": "RFC 4180",
            "description": "One file per category, UTF-8 without a byte-order mark, a header row "
            "with the field names, CRLF after every record; fields quoted when they hold a "
            "comma, a double quote or a line break, with quotes doubled. " + EMPTY_AND_MISSING_RULE,
        },
        {
            "id": "json",
            "precision": precision_note("json"),
            "name": "JSON",
            "media_type": "application/json",
            "standard": "RFC 8259",
            "description": "One file per category holding a JSON array of row objects, UTF-8. "
            "Each object has every field of the category, in schema order, with null for a "
            "missing value; it validates against the category's JSON Schema.",
        },
        {
            "id": "xlsx",
            "precision": precision_note("xlsx"),
            "name": "XLSX",
            "media_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "standard": "ECMA-376",
            "description": "One workbook with a sheet per category and a header row. A sheet "
            "holds at most 1,048,576 rows, the header included; a longer category continues on "
            "a new sheet. Cells are typed values or text, never formulas.",
        },
    ]


def _switching(statements: dict) -> dict:
    return {
        "methods": statements["switching_methods"],
        "periods": {
            "notice_max_months": periods.NOTICE_MAX_MONTHS,
            "transition_max_days": periods.TRANSITION_MAX_DAYS,
            "unfeasibility_notice_working_days": periods.UNFEASIBILITY_STATEMENT_WORKING_DAYS,
            "transition_unfeasible_max_months": periods.ALTERNATIVE_TRANSITION_MAX_MONTHS,
            "retrieval_min_days": periods.RETRIEVAL_MIN_DAYS,
        },
        "procedure": [
            {
                "step": "request",
                "title": "Ask to switch or to end the contract",
                "description": "A customer administrator asks in the portal, or the contract "
                "reaches its end; an end-of-contract case opens. The notice period is at most "
                f"{periods.NOTICE_MAX_MONTHS} months (Data Act Art. 25(2)(d)).",
            },
            {
                "step": "choice",
                "title": "Choose what happens to the data",
                "description": "Return (an export, then deletion), deletion only, or switching "
                "to another provider or to your own infrastructure.",
            },
            {
                "step": "transition",
                "title": "Transitional period",
                "description": f"At most {periods.TRANSITION_MAX_DAYS} calendar days, during which "
                "the service continues and every export method stays available (Art. 25(2)(a)). If "
                "that is technically unfeasible we tell you within "
                f"{periods.UNFEASIBILITY_STATEMENT_WORKING_DAYS} working days of the request, "
                "with the reasons, and propose an alternative period of at most "
                f"{periods.ALTERNATIVE_TRANSITION_MAX_MONTHS} months (Art. 25(4)). You may extend "
                "the transitional period once (Art. 25(5)).",
            },
            {
                "step": "retrieval",
                "title": "Data retrieval",
                "description": f"At least {periods.RETRIEVAL_MIN_DAYS} calendar days after the "
                "transitional period to download your data (Art. 25(2)(g)).",
            },
            {
                "step": "erasure",
                "title": "Erasure",
                "description": "Then all exportable data is erased in full (Art. 25(2)(h)), except "
                "data under a legal hold, named with its reason; a deletion certificate lists the "
                "categories, the rows deleted and the date by which backups are overwritten.",
            },
        ],
    }


def _versions() -> tuple[RegisterVersion | None, list[dict]]:
    versions = list(RegisterVersion.objects.only("number", "published_at", "changes"))
    return (versions[0] if versions else None), [
        {
            "version": version.number,
            "published_at": datetime_text(version.published_at),
            "changes": version.changes,
        }
        for version in versions
    ]


def build_register() -> dict:
    """The register as a JSON-ready dict: what /data-act/ shows and the API returns. The
    categories come from the data sources; the statements from what legal last published."""
    categories = exportable_categories()
    statements = statements_snapshot()
    current, versions = _versions()
    types_used = list(
        dict.fromkeys(field.type for category in categories for field in category.fields)
    )
    standards_used = dict.fromkeys(
        field.standard for category in categories for field in category.fields if field.standard
    )
    standards_used.update(dict.fromkeys(FORMAT_STANDARDS))
    return {
        "title": "Register of exportable data (EU Data Act, Regulation (EU) 2023/2854, Art. 26)",
        "url": _site_url(reverse("data_act:register")),
        "json_url": _site_url(reverse("api:data_act_register")),
        "provider": _provider(),
        "generated_at": datetime_text(timezone.now()),
        "version": current.number if current else None,
        "updated_at": datetime_text(current.published_at) if current else None,
        "versions": versions,
        "categories": [
            _category_entry(source, category)
            for source in get_sources()
            for category in (*source.categories, *source.derived_categories)
        ],
        "excluded_categories": statements["excluded_categories"],
        "formats": _formats(),
        "value_forms": [
            {"type": type_, "form": VALUE_FORMS.get(type_, "")} for type_ in types_used
        ],
        "archive": {
            "media_type": "application/zip",
            "description": "Every export is one zip archive: the data files, manifest.json "
            "(categories, row counts, schema versions, format, generation time and the SHA-256 "
            "of each file) and the JSON Schema of each category.",
        },
        "fidelity": FIDELITY_STATEMENT,
        "methods": [
            {
                "id": "ui",
                "name": "Portal",
                "url": _site_url("/portal/exports/"),
                "default_format": DEFAULT_FORMAT[ExportMethod.UI],
                "description": "Signed-in users of a customer organisation choose categories, "
                "format (CSV unless they choose another) and an optional date period, follow the "
                "progress, and download the archive through a signed link that expires.",
            },
            {
                "id": "api",
                "name": "REST API",
                "url": _site_url("/api/v1/exports/"),
                "default_format": DEFAULT_FORMAT[ExportMethod.API],
                "description": "POST the categories, format (JSON when left out) and optional "
                "date_from and date_to with the organisation's API key (Authorization: Bearer); "
                "poll "
                "GET /api/v1/exports/<id>/ for status, progress, row counts, checksums and the "
                "download link.",
                "documentation": _site_url(reverse("api-docs")),
            },
        ],
        "limits": {
            "api_requests_per_minute": settings.API_RATE_LIMIT_PER_MINUTE,
            "max_file_bytes": settings.EXPORT_MAX_FILE_BYTES,
            "max_period_days": settings.EXPORT_MAX_PERIOD_DAYS,
            "archive_retention_days": settings.EXPORT_RETENTION_DAYS,
            "concurrent_exports_per_organisation": 1,
            "description": "A data file larger than max_file_bytes is split into numbered "
            "parts. A date period may span at most max_period_days days; without a period "
            "everything is exported. An archive can be downloaded for archive_retention_days "
            "days, then it is deleted; a new export can be started at any time.",
        },
        "switching": _switching(statements),
        "government_access_measures": statements["government_access_measures"],
        "custom_exports": statements["custom_exports"],
        "standards": [
            {"id": standard, "title": STANDARDS.get(standard, "")} for standard in standards_used
        ],
    }
