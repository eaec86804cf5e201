"""The interface every source of customer data implements: describe, list, count, delete.

A source owns one or more categories of a tenant's data. The export machinery, rights
requests (one data subject) and end-of-contract deletion all go through this interface, so
a new source of data is covered by all three the day it is registered.
"""

import abc
import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field


class FieldType:
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATETIME = "datetime"  # ISO 8601, UTC, e.g. 2026-11-23T18:49:55.123456Z
    DATE = "date"  # ISO 8601
    UUID = "uuid"  # RFC 4122
    EMAIL = "email"  # RFC 5322 addr-spec
    PHONE = "phone"  # E.164
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    IP_NETWORK = "ip_network"  # CIDR, masked (/24 for IPv4)
    JSON = "json"  # a JSON object


@dataclass(frozen=True)
class SchemaField:
    name: str
    type: str
    description: str
    standard: str = ""
    personal: bool = False
    nullable: bool = True
    max_length: int | None = None  # strings: the longest value the source stores
    choices: tuple[str, ...] = ()  # strings: the only values the field takes, when closed


class ExportMethod:
    """How a customer takes an export out (Data Act Art. 26(b): the methods of the register)."""

    UI = "ui"  # the portal's export pages
    API = "api"  # POST /api/v1/exports/

    ALL = (UI, API)


# The format each method uses when none is chosen: the portal's form starts on CSV, the API
# answers JSON to a request without "format".
DEFAULT_FORMAT = {ExportMethod.UI: "csv", ExportMethod.API: "json"}
ALL_FORMATS = ("csv", "json", "xlsx")


@dataclass(frozen=True)
class StorageLocation:
    """Where a category's data is stored, as the register publishes it."""

    provider: str  # who runs the storage, e.g. the hosting company
    region: str  # e.g. "eu-central (Frankfurt am Main)"
    jurisdiction: str  # the law the storage is under, e.g. "EU (Germany)"


@dataclass(frozen=True)
class Category:
    id: str  # the stable id used by the API: leads, visitor_profiles, ...
    name: str
    description: str
    fields: tuple[SchemaField, ...]
    schema_version: str
    date_field: str  # the field a date period filters on
    migration_difficulty: str  # "easy" | "medium" | "hard"
    migration_notes: str = ""
    formats: tuple[str, ...] = ALL_FORMATS
    methods: tuple[str, ...] = ExportMethod.ALL
    # A report the source computes from its stored rows when it is exported (nothing of its
    # own is stored or erased: it goes with the rows it is computed from).
    derived: bool = False
    location: StorageLocation | None = None  # None: the source's location

    def default_format(self, method: str) -> str:
        """The method's default format where the category offers it, else its first format."""
        preferred = DEFAULT_FORMAT[method]
        return preferred if preferred in self.formats else self.formats[0]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class DataSubject:
    """One person whose rows are wanted (rights requests). Any given identifier matches."""

    email: str | None = None
    phone: str | None = None
    contact_id: uuid.UUID | None = None

    def __post_init__(self):
        if not (self.email or self.phone or self.contact_id):
            raise ValueError("A data subject needs an email, a phone number or a contact id.")


@dataclass(frozen=True)
class RowFilter:
    tenant_id: uuid.UUID
    subject: DataSubject | None = None
    date_from: datetime.date | None = None  # inclusive, UTC day
    date_to: datetime.date | None = None  # inclusive, UTC day
    extra: dict = field(default_factory=dict)


class DataSource(abc.ABC):
    """A source of customer data. Rows are plain dicts whose keys are the category's field
    names, in that order, with values already in their export form: datetimes as aware UTC
    datetimes, UUIDs as uuid.UUID, countries as alpha-2 strings, JSON fields as dicts."""

    categories: tuple[Category, ...] = ()
    # Reports computed from the stored categories when exported (Category.derived): exported
    # and listed in the register, but not erased, flagged or searched for a data subject,
    # since they hold nothing the stored rows do not.
    derived_categories: tuple[Category, ...] = ()
    # Where the source stores its data (a category may say otherwise); None: the setting
    # EXPORT_STORAGE_LOCATION.
    location: StorageLocation | None = None

    @abc.abstractmethod
    def iter_rows(
        self, *, category_id: str, row_filter: RowFilter, chunk_size: int = 2000
    ) -> Iterator[dict]:
        """Stream the rows in a stable order (the same data gives the same order), never
        holding the whole category in memory."""

    @abc.abstractmethod
    def count(self, *, category_id: str, row_filter: RowFilter) -> int:
        """How many rows iter_rows would give."""

    @abc.abstractmethod
    def delete_batch(
        self, *, category_id: str, row_filter: RowFilter, batch_size: int = 5000
    ) -> int:
        """Delete at most batch_size matching rows and return how many were deleted; 0 when none
        are left. Safe to call again after a crash (idempotent by construction). A caller
        erasing several categories goes in reverse order of `categories`: a category may find
        a data subject's rows through an earlier one (journey events through visitor profiles
        through leads), so the earlier ones must still be there."""

    def set_flags(self, *, category_id: str, row_filter: RowFilter, flags: dict[str, bool]) -> int:
        """Optional: set a data subject's flags on the category's rows that match the filter
        (which names a subject) and return how many rows were flagged. Rights requests use it:
        `processing_restricted` (restriction, GDPR Art. 18), `objected_to_processing`
        (objection, Art. 21) and `suppressed` (a request to be suppressed). Idempotent. A
        category that keeps no such flags, or a source that has none, flags nothing: the
        default returns 0."""
        return 0

    def rectifiable_fields(self) -> dict[str, tuple[str, ...]]:
        """Optional: the fields a data subject may have corrected (GDPR Art. 16; CCPA
        1798.106), by category id. A source without any returns {}."""
        return {}

    def rectify(self, *, category_id: str, row_filter: RowFilter, values: dict[str, str]) -> int:
        """Optional: write corrected values on the data subject's rows of the category (the
        filter names a subject; never a whole tenant) and return how many rows now carry them.
        Raises ValueError for a field that rectifiable_fields does not list, or a value the
        field cannot take. Idempotent. The default corrects nothing: 0."""
        return 0

    def copy_csv_to(
        self, *, category_id: str, row_filter: RowFilter, stream, on_rows=None
    ) -> int | None:
        """Optional fast path: write the category as RFC 4180 CSV (header, CRLF, UTF-8) to the
        binary stream and return the row count, or return None when the source or database
        cannot (the caller then writes the CSV from iter_rows). Must give byte-identical
        output to the generic writer. `on_rows`, when given, is called with the number of
        rows of each block written (for progress); it never touches the database."""
        return None

    def copy_json_to(
        self, *, category_id: str, row_filter: RowFilter, stream, on_rows=None
    ) -> int | None:
        """Optional fast path: write the category as the JSON writer's file (one array, an
        object per line, see exports.writers.text.JsonWriter) to the binary stream and return
        the row count, or return None when the source or database cannot (the caller then
        writes the JSON from iter_rows). Must give byte-identical output to the generic writer.
        `on_rows` as for copy_csv_to."""
        return None

    def copy_xlsx_to(
        self, *, category_id: str, row_filter: RowFilter, sink, on_rows=None
    ) -> int | None:
        """Optional fast path: hand the category's rows, rendered as the XLSX writer's sheet
        XML (exports.writers.xlsx: one `<row>` element and a line feed per row), to
        `sink.write_rows(records)` in blocks and return the row count, or return None having
        written nothing when the source or database cannot (the caller then renders the rows
        from iter_rows). Must give byte-identical rows. `on_rows` as for copy_csv_to."""
        return None
