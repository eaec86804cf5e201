"""BuiltinSource: the four categories kept in the portal's database, listed, counted and deleted.

Rows stream in primary-key order (a UUID, so the same data always gives the same order) by
keyset pagination: each chunk is "key > last key seen, LIMIT chunk", which costs the same at
the millionth row as at the first, where OFFSET would rescan everything before it.

A data subject (rights requests) is found in leads by email, phone or contact id; in
visitor_profiles through the contact ids of those leads; in journey_insights through those
profiles; organisation_profiles hold no one's personal data, so a subject has no rows there.
Because the dependent categories find the subject through leads and profiles, a caller
erasing a subject deletes in reverse category order: journey_insights, visitor_profiles,
then leads (organisation_profiles whenever). Deleting leads first would strand the subject's
profiles and events where no filter finds them.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import psycopg
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import Count, F, Func, Max, Min, Q, QuerySet, Sum, TextField, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from exports.builtin_source.categories import ANALYTICAL_REPORTS, CATEGORIES, DERIVED_CATEGORIES
from exports.builtin_source.models import (
    SUBJECT_FLAGS,
    JourneyEvent,
    Lead,
    OrganisationProfile,
    VisitorProfile,
)
from exports.builtin_source.services import normalise_phone
from exports.sources import UnknownCategory
from exports.sources.base import Category, DataSource, DataSubject, FieldType, RowFilter
from exports.writers.csv_records import csv_line

MODELS = {
    "leads": Lead,
    "visitor_profiles": VisitorProfile,
    "journey_insights": JourneyEvent,
    "organisation_profiles": OrganisationProfile,
}

# What a data subject may have corrected in their lead (contact data they gave or that
# describes them); a subject has a handful of leads, so RECTIFY_MAX_ROWS is a safety bound.
RECTIFIABLE_LEAD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "job_title",
    "country",
    "city",
    "region",
)
RECTIFY_MAX_ROWS = 1000

# The namespace of analytical report ids: uuid5(namespace, "<profile id>:<day>"), so a report
# row keeps its id from one export to the next.
REPORT_ID_NAMESPACE = uuid.UUID("6f1d4a52-7c1e-5b8e-9a0b-2f64c1d3e9a7")

# COPY records are written in blocks of this many: one write per record would cost more than
# the COPY itself.
COPY_BLOCK_ROWS = 2000


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _subject_leads(tenant_id, subject: DataSubject) -> QuerySet:
    match = Q()
    if subject.email:
        match |= Q(email__iexact=subject.email.strip())
    if subject.phone:
        match |= Q(phone=normalise_phone(subject.phone))
    if subject.contact_id:
        match |= Q(contact_id=subject.contact_id)
    return Lead.objects.filter(match, tenant_id=tenant_id)


def _subject_profiles(tenant_id, subject: DataSubject) -> QuerySet:
    match = Q(contact_id__in=_subject_leads(tenant_id, subject).values("contact_id"))
    if subject.contact_id:
        # Also when the lead itself is gone (erased first, or never imported).
        match |= Q(contact_id=subject.contact_id)
    return VisitorProfile.objects.filter(match, tenant_id=tenant_id)


class BuiltinSource(DataSource):
    """The provider's product data held in this portal's database (exports.builtin_source)."""

    categories = CATEGORIES
    derived_categories = DERIVED_CATEGORIES

    def _category(self, category_id: str) -> tuple[type, Category]:
        for category in self.categories:
            if category.id == category_id:
                return MODELS[category_id], category
        raise UnknownCategory(category_id)

    def queryset(self, *, category_id: str, row_filter: RowFilter) -> QuerySet:
        """The category's rows that match the filter, unordered."""
        model, category = self._category(category_id)
        tenant_id = row_filter.tenant_id
        rows = model.objects.filter(tenant_id=tenant_id)
        subject = row_filter.subject
        if subject is not None:
            if model is Lead:
                rows = _subject_leads(tenant_id, subject)
            elif model is VisitorProfile:
                rows = _subject_profiles(tenant_id, subject)
            elif model is JourneyEvent:
                profiles = _subject_profiles(tenant_id, subject).values("profile_id")
                rows = rows.filter(profile_id__in=profiles)
            else:
                return model.objects.none()
        # Inclusive UTC days: from the start of date_from to the start of the day after date_to.
        if row_filter.date_from:
            rows = rows.filter(**{f"{category.date_field}__gte": _day_start(row_filter.date_from)})
        if row_filter.date_to:
            day_after = row_filter.date_to + datetime.timedelta(days=1)
            rows = rows.filter(**{f"{category.date_field}__lt": _day_start(day_after)})
        return rows.order_by()

    def iter_rows(
        self, *, category_id: str, row_filter: RowFilter, chunk_size: int = 2000
    ) -> Iterator[dict]:
        if category_id == ANALYTICAL_REPORTS.id:
            yield from self._report_rows(row_filter, chunk_size)
            return
        model, category = self._category(category_id)
        names = category.field_names
        key = model._meta.pk.name
        key_index = names.index(key)
        rows = self.queryset(category_id=category_id, row_filter=row_filter).order_by(key)
        last_key = None
        while True:
            page = rows if last_key is None else rows.filter(**{f"{key}__gt": last_key})
            chunk = list(page.values_list(*names)[:chunk_size])
            for values in chunk:
                yield dict(zip(names, values, strict=True))
            if len(chunk) < chunk_size:
                return
            last_key = chunk[-1][key_index]

    def count(self, *, category_id: str, row_filter: RowFilter) -> int:
        if category_id == ANALYTICAL_REPORTS.id:
            return self._daily_aggregates(row_filter).count()
        return self.queryset(category_id=category_id, row_filter=row_filter).count()

    def _daily_aggregates(self, row_filter: RowFilter) -> QuerySet:
        """The journey events of the filter (tenant, data subject, period) summed up per
        profile and UTC day, in a stable order."""
        kinds = JourneyEvent.EventType
        events = self.queryset(category_id="journey_insights", row_filter=row_filter)
        return (
            events.annotate(day=TruncDate("occurred_at", tzinfo=datetime.UTC))
            .values("profile_id", "day")
            .annotate(
                events=Count("pk"),
                page_views=Count("pk", filter=Q(event_type=kinds.PAGE_VIEW)),
                forms_submitted=Count("pk", filter=Q(event_type=kinds.FORM_SUBMIT)),
                downloads=Count("pk", filter=Q(event_type=kinds.DOWNLOAD)),
                videos_played=Count("pk", filter=Q(event_type=kinds.VIDEO_PLAY)),
                time_spent_seconds=Coalesce(Sum("duration_seconds"), Value(0)),
                first_event_at=Min("occurred_at"),
                last_event_at=Max("occurred_at"),
            )
            .order_by("profile_id", "day")
        )

    def _report_rows(self, row_filter: RowFilter, chunk_size: int) -> Iterator[dict]:
        names = ANALYTICAL_REPORTS.field_names
        for aggregate in self._daily_aggregates(row_filter).iterator(chunk_size=chunk_size):
            report_id = uuid.uuid5(
                REPORT_ID_NAMESPACE, f"{aggregate['profile_id']}:{aggregate['day'].isoformat()}"
            )
            yield {name: aggregate.get(name, report_id) for name in names}

    def delete_batch(
        self, *, category_id: str, row_filter: RowFilter, batch_size: int = 5000
    ) -> int:
        """Delete at most batch_size matching rows. A bounded statement whatever the filter,
        and a crash between batches leaves only whole batches done, so calling again simply
        continues. See the module docstring for the order.

        On PostgreSQL one statement per batch deletes the matching rows of a range of heap
        blocks, the ranges planned in physical order (see _plan_block_ranges) and kept for the
        next batches while every batch since the plan has committed: close to one plain
        DELETE, where finding each batch's keys again from the first key would wade through
        every entry deleted so far, and deleting in key order would jump from page to page.
        Elsewhere: the keys first, then a DELETE by key.

        A derived category stores nothing: 0, its rows go with the events they sum up."""
        if category_id == ANALYTICAL_REPORTS.id:
            return 0
        model, _category = self._category(category_id)
        connection = connections[router.db_for_write(model)]
        if connection.vendor == "postgresql":
            return self._delete_batch_by_block_range(
                model,
                connection,
                category_id=category_id,
                row_filter=row_filter,
                batch_size=batch_size,
            )
        with transaction.atomic(using=connection.alias):
            keys = list(
                self.queryset(category_id=category_id, row_filter=row_filter).values_list(
                    "pk", flat=True
                )[:batch_size]
            )
            if not keys:
                return 0
            deleted, _per_model = model.objects.filter(
                tenant_id=row_filter.tenant_id, pk__in=keys
            ).delete()
        return deleted

    # Each (database, table, filter) erasure under way in this process: the block ranges
    # still to delete, with the rows the plan found and the rows deleted since. Only a plan:
    # a process without one (a new worker after a crash) plans again from what is left. The
    # plan moves on as each batch deletes, before the caller commits, so it is trusted only
    # once that batch's transaction has committed ("settled", set by on_commit). A batch
    # whose transaction rolled back (the database restarted before the COMMIT, the worker
    # surviving) leaves its plan unsettled, and the next batch plans again from the database:
    # the plan would count the rolled-back rows as gone. Batches that share one transaction
    # (a caller's atomic around them) plan each time, which sees their own deletions.
    _deletion_plans: dict = {}
    _DELETION_RANGES_PER_BATCH = 4

    def _delete_batch_by_block_range(
        self, model, connection, *, category_id: str, row_filter: RowFilter, batch_size: int
    ) -> int:
        rows = self.queryset(category_id=category_id, row_filter=row_filter)
        if rows.query.is_empty():
            return 0
        plan_key = (connection.alias, model._meta.db_table, repr(row_filter), batch_size)
        plan = self._deletion_plans.get(plan_key)
        if plan is None or not plan["settled"]:
            plan = self._deletion_plans[plan_key] = self._plan_block_ranges(
                rows, connection, batch_size
            )
        deleted = 0
        with transaction.atomic(using=connection.alias):
            # Unsettled until this batch commits: if it rolls back, the callback goes with it.
            plan["settled"] = False
            transaction.on_commit(
                partial(plan.__setitem__, "settled", True), using=connection.alias
            )
            # A full batch, range after range (usually one or two statements).
            while deleted < batch_size and plan["ranges"]:
                first_block, end_block = plan["ranges"][0]
                wanted = batch_size - deleted
                in_range = None
                if plan["rows_per_range"] <= wanted:
                    # Likely to fit: the whole range in one plain DELETE, undone if too many.
                    savepoint = transaction.savepoint(using=connection.alias)
                    in_range = self._delete_block_range(
                        model, rows, row_filter, connection, first_block, end_block, limit=None
                    )
                    if in_range > wanted:
                        transaction.savepoint_rollback(savepoint, using=connection.alias)
                        in_range = None
                    else:
                        transaction.savepoint_commit(savepoint, using=connection.alias)
                        plan["ranges"].pop(0)
                if in_range is None:
                    in_range = self._delete_block_range(
                        model, rows, row_filter, connection, first_block, end_block, limit=wanted
                    )
                    if in_range < wanted:
                        plan["ranges"].pop(0)  # the range is empty now
                deleted += in_range
        plan["deleted"] += deleted
        if deleted or plan["ranges"]:
            return deleted
        if plan["found"] and plan["deleted"] >= plan["found"]:
            # Every row the plan found is gone: "none left", as of the plan, as a plain
            # DELETE's "all" is as of its start (an index scan now would visit every entry
            # just deleted).
            del self._deletion_plans[plan_key]
            return 0
        # Fewer went than were found (rows moved: an UPDATE writes the new version elsewhere),
        # or the rows are spread too thin for ranges: the next keys, by index, to the end.
        deleted = self._delete_keys(model, rows, row_filter, connection, batch_size)
        if not deleted:
            del self._deletion_plans[plan_key]
        return deleted

    @staticmethod
    def _plan_block_ranges(rows: QuerySet, connection, batch_size: int) -> dict:
        """Ranges of heap blocks [first, end) holding about batch_size matching rows each, in
        physical order, from one aggregate (count, lowest and highest row address). Deleting
        range by range reads the table once, in the order a plain DELETE reads it; deleting
        in key order would visit each page again for every batch (the keys are random UUIDs).
        Rows spread thinner than one per block are left to the index (no ranges)."""
        query = rows.order_by().values("pk").query
        where, params = query.get_compiler(connection=connection).compile(query.where)
        table = connection.ops.quote_name(query.get_meta().db_table)
        # Only quoted names and Django's compiled WHERE (its values stay parameters).
        plan_sql = f"SELECT count(*), min(ctid)::text, max(ctid)::text FROM {table} WHERE {where}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(plan_sql, params)
            found, lowest, highest = cursor.fetchone()
        plan = {"ranges": [], "found": found, "deleted": 0, "rows_per_range": 0, "settled": False}
        if not found:
            return plan
        first = int(lowest.strip("()").split(",")[0])
        end = int(highest.strip("()").split(",")[0]) + 1
        if found >= end - first:
            # A quarter batch per range: most ranges fit whole in what a batch still wants.
            rows_per_block = found / (end - first)
            step = max(
                1, int(batch_size / BuiltinSource._DELETION_RANGES_PER_BATCH / rows_per_block)
            )
            plan["rows_per_range"] = step * rows_per_block
            plan["ranges"] = [(start, min(start + step, end)) for start in range(first, end, step)]
        else:
            plan["found"] = 0  # nothing planned: the keys will say when none is left
        return plan

    @staticmethod
    def _delete_block_range(
        model,
        rows: QuerySet,
        row_filter: RowFilter,
        connection,
        first_block: int,
        end_block: int,
        *,
        limit: int | None,
    ) -> int:
        """One DELETE of the matching rows in heap blocks [first_block, end_block), or of at
        most `limit` of them: a TID range scan (PostgreSQL 14+) reads just those blocks (with
        a limit, the rows it picks are then deleted by address)."""
        query = rows.filter(tenant_id=row_filter.tenant_id).order_by().values("pk").query
        where, params = query.get_compiler(connection=connection).compile(query.where)
        table = connection.ops.quote_name(model._meta.db_table)
        # Only quoted names, integers and Django's compiled WHERE (values stay parameters);
        # the tenant condition is part of it, so no range reaches another tenant's rows.
        in_blocks = f"ctid >= %s::tid AND ctid < %s::tid AND {where}"
        params = [f"({first_block},0)", f"({end_block},0)", *params]
        if limit is None:
            sql = f"DELETE FROM {table} WHERE {in_blocks}"  # noqa: S608
        else:
            sql = (
                f"DELETE FROM {table} WHERE ctid = ANY(ARRAY("  # noqa: S608
                f"SELECT ctid FROM {table} WHERE {in_blocks} LIMIT %s))"
            )
            params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    @staticmethod
    def _delete_keys(model, rows: QuerySet, row_filter: RowFilter, connection, batch_size) -> int:
        with transaction.atomic(using=connection.alias):
            keys = list(rows.values_list("pk", flat=True)[:batch_size])
            if not keys:
                return 0
            deleted, _per_model = model.objects.filter(
                tenant_id=row_filter.tenant_id, pk__in=keys
            ).delete()
        return deleted

    def set_flags(self, *, category_id: str, row_filter: RowFilter, flags: dict[str, bool]) -> int:
        """Set the subject's flags on the matching rows of leads and visitor profiles (journey
        events and organisation profiles keep none: 0). One UPDATE; a lead's updated_at moves
        when its flags change. Only for a data subject: never a whole tenant's rows."""
        if category_id == ANALYTICAL_REPORTS.id:
            return 0  # computed from the events: nothing of its own to flag
        model, _category = self._category(category_id)
        unknown = set(flags) - set(SUBJECT_FLAGS)
        if unknown:
            raise ValueError(f"Unknown flags: {', '.join(sorted(unknown))}")
        if row_filter.subject is None:
            raise ValueError(
                "Flags are set on one data subject's rows: the filter needs a subject."
            )
        if not flags or not all(hasattr(model, name) for name in flags):
            return 0
        rows = self.queryset(category_id=category_id, row_filter=row_filter)
        # Rows already flagged are counted too: the answer is "the subject's rows carry it".
        changes = {name: bool(value) for name, value in flags.items()}
        if model is Lead:
            changing = Q()
            for name, value in changes.items():
                changing |= ~Q(**{name: value})
            rows.filter(changing).update(**changes, updated_at=timezone.now())
            return rows.count()
        return rows.update(**changes)

    def rectifiable_fields(self) -> dict[str, tuple[str, ...]]:
        """The lead's contact fields; the rest is behaviour the product computed (scores,
        views) or identifiers, which a correction does not rewrite."""
        return {"leads": RECTIFIABLE_LEAD_FIELDS}

    def rectify(self, *, category_id: str, row_filter: RowFilter, values: dict[str, str]) -> int:
        """Write the corrected values on the subject's leads, each checked by the model's own
        field validation (an E.164 phone, an alpha-2 country, an email), in one UPDATE bounded
        by tenant and subject; a lead's updated_at moves when a value changes."""
        if row_filter.subject is None:
            raise ValueError("Corrections apply to one data subject's rows: name a subject.")
        allowed = self.rectifiable_fields().get(category_id, ())
        unknown = set(values) - set(allowed)
        if unknown:
            raise ValueError(f"Fields that cannot be corrected: {', '.join(sorted(unknown))}")
        if not values:
            return 0
        cleaned = {}
        for name, value in values.items():
            field = Lead._meta.get_field(name)
            value = (value or "").strip()
            if name == "phone":
                value = normalise_phone(value) or ""
            if name == "country":
                value = value.upper()
            if not value:
                cleaned[name] = None if field.null else ""
                continue
            try:
                cleaned[name] = field.clean(value, None)
            except ValidationError as error:
                raise ValueError(f"{name}: {' '.join(error.messages)}") from error
        rows = self.queryset(category_id=category_id, row_filter=row_filter)
        # The keys first: a corrected email must not make the subject's rows disappear from
        # the filter between the update and the count.
        keys = list(rows.values_list("pk", flat=True)[:RECTIFY_MAX_ROWS])
        if not keys:
            return 0
        changing = Q()
        for name, value in cleaned.items():
            changing |= Q(**{f"{name}__isnull": False}) if value is None else ~Q(**{name: value})
        Lead.objects.filter(tenant_id=row_filter.tenant_id, pk__in=keys).filter(changing).update(
            **cleaned, updated_at=timezone.now()
        )
        return len(keys)

    def copy_csv_to(
        self, *, category_id: str, row_filter: RowFilter, stream, on_rows=None
    ) -> int | None:
        """On PostgreSQL, COPY ... TO STDOUT with every column formatted in SQL as
        exports.formats.csv_cell formats it; None elsewhere (the caller uses iter_rows)."""
        if category_id == ANALYTICAL_REPORTS.id:
            return None
        model, category = self._category(category_id)
        connection = connections[router.db_for_read(model)]
        if connection.vendor != "postgresql":
            return None
        rows = self.queryset(category_id=category_id, row_filter=row_filter).order_by(
            model._meta.pk.name
        )
        # Annotation names may not clash with model fields; the header is written apart.
        columns = {
            f"column_{index}": _csv_text(field) for index, field in enumerate(category.fields)
        }
        if any(expression is None for expression in columns.values()):
            return None  # a field PostgreSQL cannot format as csv_cell does: the generic writer
        stream.write(csv_line(category.field_names).encode())
        if rows.query.is_empty():  # e.g. a data subject's organisation profiles: no SQL at all
            return 0
        query = rows.annotate(**columns).values_list(*columns).query
        sql, params = query.get_compiler(connection=connection).as_sql()

        copied = 0
        with _copying(connection, f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as reader:
            while records := reader.read(COPY_BLOCK_ROWS):
                stream.write(crlf_records(records))
                copied += len(records)
                if on_rows is not None:
                    on_rows(len(records))
        return copied

    def copy_json_to(
        self, *, category_id: str, row_filter: RowFilter, stream, on_rows=None
    ) -> int | None:
        """On PostgreSQL, the whole JSON file (exports.writers.text.JsonWriter's framing) with
        each row's object made by row_to_json; None elsewhere, or when a field type has no SQL
        form giving json_value's bytes (the caller then uses iter_rows).

        row_to_json writes compact objects ({"a":1,"b":"x"}), keys in column order, and
        escapes strings as json.dumps(ensure_ascii=False) does: \\" \\\\ \\b \\f \\n \\r \\t, any
        other character below U+0020 as \\u00xx (lowercase hex), "/" and non-ASCII as they
        are. (PostgreSQL text cannot hold NUL or lone surrogates, the only other differences.)
        json_build_object would not do: it writes {"a" : 1, "b" : "x"}."""
        if category_id == ANALYTICAL_REPORTS.id:
            return None
        model, category = self._category(category_id)
        connection = connections[router.db_for_read(model)]
        if connection.vendor != "postgresql":
            return None
        columns = {}
        for field in category.fields:
            expression = _json_sql_value(field)
            if expression is None:
                return None
            columns[field.name] = expression
        rows = self.queryset(category_id=category_id, row_filter=row_filter).order_by(
            model._meta.pk.name
        )
        stream.write(JSON_OPENING)
        if rows.query.is_empty():  # e.g. a data subject's organisation profiles: no SQL at all
            stream.write(JSON_CLOSING_EMPTY)
            return 0
        # Annotations may not share a model field's name, so they get placeholder names here
        # and the field names as column aliases in the outer SELECT (row_to_json's keys).
        aliases = {f"column_{index}": name for index, name in enumerate(columns)}
        annotated = rows.annotate(
            **{alias: columns[name] for alias, name in aliases.items()}
        ).values_list(*aliases)
        sql, params = annotated.query.get_compiler(connection=connection).as_sql()
        quote = connection.ops.quote_name
        outer = ", ".join(f"{quote(alias)} AS {quote(name)}" for alias, name in aliases.items())
        # CSV format with a quote and delimiter that row_to_json never writes raw (it escapes
        # every control character): each record is then the JSON text as it is plus LF, where
        # the text format would double every backslash.
        # Only quoted field names and Django's compiled SQL (its values stay parameters).
        copy_sql = (
            f"COPY (SELECT row_to_json(exported) FROM (SELECT {outer} FROM ({sql}) AS inner_rows)"  # noqa: S608
            " AS exported) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
        )
        copied = 0
        with _copying(connection, copy_sql, params) as reader:
            while records := reader.read(COPY_BLOCK_ROWS):
                stream.write(json_records(records, first=not copied))
                copied += len(records)
                if on_rows is not None:
                    on_rows(len(records))
        stream.write(JSON_CLOSING if copied else JSON_CLOSING_EMPTY)
        return copied

    def copy_xlsx_to(
        self, *, category_id: str, row_filter: RowFilter, sink, on_rows=None
    ) -> int | None:
        """On PostgreSQL, each row's sheet XML rendered by COPY (see xlsx_copy); None elsewhere."""
        from exports.builtin_source.xlsx_copy import copy_xlsx_rows

        return copy_xlsx_rows(
            self, category_id=category_id, row_filter=row_filter, sink=sink, on_rows=on_rows
        )


# exports.writers.text.JsonWriter's framing: "[", newline, objects joined by ",\n", then
# "\n]\n"; an empty array is "[]\n".
JSON_OPENING = b"["
JSON_SEPARATOR = b",\n"
JSON_CLOSING = b"\n]\n"
JSON_CLOSING_EMPTY = b"]\n"


def json_records(records: list, *, first: bool) -> bytes:
    """COPY's JSON records (each ending in LF, which row_to_json never writes inside one) as
    the part of the array they make (after its "["): a newline before the first, ",\n"
    between them and before any later block."""
    block = b"".join(records)
    if not block or block[-1] != 0x0A or block.count(b"\n") != len(records):
        raise RuntimeError("A COPY record was not one line of JSON.")
    lead = b"\n" if first else JSON_SEPARATOR
    return lead + block[:-1].replace(b"\n", JSON_SEPARATOR)


@contextmanager
def _copying(connection, copy_sql: str, params) -> Iterator["_CopyReader"]:
    """A COPY ... TO STDOUT under way, read through a _CopyReader. A context manager rather
    than a generator of blocks, so that an error in the caller's writing reaches the COPY and
    the savepoint at once (a suspended generator would keep the COPY open meanwhile)."""
    # A savepoint: if the stream gives up half way (a file grown too large), psycopg cancels
    # the COPY, and the caller's transaction must stay usable for its fallback.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # psycopg's own cursor: Django's debug wrapper (DEBUG, query capture) has a copy()
        # without parameters. psycopg merges them into the COPY statement client-side.
        psycopg_cursor = cursor.cursor
        copying = psycopg_cursor.copy(copy_sql, params)
        with connection.wrap_database_errors, copying as copy:
            yield _CopyReader(copy, psycopg_cursor.connection)


def crlf_records(records: list) -> bytes:
    """COPY's CSV records, each ending in LF, as one block with CRLF endings. Only each
    record's last byte changes: a line break inside a quoted field stays as it is, as
    csv.writer leaves it."""
    block = b"".join(records)
    if block and block[-1] != 0x0A:
        raise RuntimeError("A COPY record did not end with a line feed.")
    if block.count(b"\n") == len(records):
        # One LF per record, so every LF ends one: the usual case, done at C speed.
        return block.replace(b"\n", b"\r\n")
    for record in records:
        if record[-1] != 0x0A:
            raise RuntimeError("A COPY record did not end with a line feed.")
    return b"\r\n".join(record[:-1] for record in records) + b"\r\n"


class _CopyReader:
    """The records of a COPY TO STDOUT, taken from libpq in blocks.

    libpq hands out exactly one CSV record per PQgetCopyData call. psycopg's own iteration
    waits through a generator for every record, which at millions of rows costs more than
    the query itself; here the records libpq has already received are taken directly
    (non-blocking), and psycopg's read() is left to wait whenever none is buffered."""

    def __init__(self, copy, psycopg_connection):
        self.copy = copy
        self.connection = psycopg_connection
        self.done = False

    def read(self, limit: int) -> list:
        records: list = []
        if self.done:
            return records
        get_copy_data = self.connection.pgconn.get_copy_data
        append = records.append
        for _ in range(limit):
            size, data = get_copy_data(1)  # 1: return 0 instead of blocking
            if size > 0:
                append(data)
            elif size == 0:
                data = self.copy.read()  # waits for input; b"" once psycopg has seen the end
                if not data:
                    self.done = True
                    break
                append(data)
            elif size == -1:
                self._finish()
                break
            else:
                message = self.connection.pgconn.error_message.decode(errors="replace")
                raise psycopg.OperationalError(message)
        return records

    def _finish(self) -> None:
        """The end of the data was seen here, not by psycopg: read the command's result
        as psycopg would, so that the connection is ready for the next query."""
        self.done = True
        pgconn = self.connection.pgconn
        while (result := pgconn.get_result()) is not None:
            if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
                raise psycopg.errors.error_from_result(
                    result, encoding=self.connection.info.encoding
                )


# to_char's pattern for csv_cell's "YYYY-MM-DDTHH:MM:SS.ffffffZ" ("US" is microseconds).
_PG_DATETIME = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def _csv_text(field) -> Func | None:
    """The SQL expression giving a field's csv_cell text, NULL where the value is missing, or
    None where PostgreSQL would write the value differently (floats, JSON objects).

    COPY's CSV mode quotes a value equal to its NULL string (empty): an empty text comes out as
    "", and a NULL as an empty field, which is the rule of exports.writers.csv_records."""
    column = F(field.name)
    if field.type == FieldType.DATETIME:
        return Func(column, template=_PG_DATETIME, output_field=TextField())
    if field.type == FieldType.DATE:
        return Func(
            column, template="to_char(%(expressions)s, 'YYYY-MM-DD')", output_field=TextField()
        )
    if field.type == FieldType.BOOLEAN:
        return Func(
            column,
            template=(
                "CASE WHEN %(expressions)s THEN 'true' WHEN NOT %(expressions)s THEN 'false' END"
            ),
            output_field=TextField(),
        )
    if field.type in (FieldType.INTEGER, FieldType.UUID):
        return Func(column, template="(%(expressions)s)::text", output_field=TextField())
    if field.type in (FieldType.NUMBER, FieldType.JSON):
        # Python and PostgreSQL write these differently (1e-05 / 0.00001, key spacing): such a
        # category is written by the generic writer, as copy_json_to does for its fields.
        return None
    return Func(column, template="(%(expressions)s)::text", output_field=TextField())


def _json_sql_value(field):
    """The SQL expression whose row_to_json form is the field's json_value, or None where
    PostgreSQL would write it differently (floats, JSON objects: none in the built-in source)."""
    column = F(field.name)
    if field.type == FieldType.DATETIME:
        return Func(column, template=_PG_DATETIME, output_field=TextField())
    if field.type == FieldType.DATE:
        return Func(
            column, template="to_char(%(expressions)s, 'YYYY-MM-DD')", output_field=TextField()
        )
    if field.type in (FieldType.BOOLEAN, FieldType.INTEGER):
        return column  # true/false and decimal digits, as json.dumps writes bool and int
    if field.type in (FieldType.NUMBER, FieldType.JSON):
        return None
    # Text as it is: JSON tells an empty string from null, as the CSV does by quoting.
    return Func(column, template="(%(expressions)s)::text", output_field=TextField())
