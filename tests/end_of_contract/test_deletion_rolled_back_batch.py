"""The built-in source itself deletes again a batch whose transaction rolled back (found by the
PostgreSQL-restart drill): the database goes away between a batch's DELETE and its COMMIT,
the worker process survives, and its next batches must not take the rolled-back rows for gone.

On PostgreSQL the source deletes by heap block ranges planned in the process (see
BuiltinSource._delete_batch_by_block_range); elsewhere it finds each batch's keys again, so
there the test holds the contract every source promises (DataSource.delete_batch)."""

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from exports.builtin_source.models import JourneyEvent
from exports.builtin_source.source import BuiltinSource
from exports.sources.base import RowFilter

CATEGORY = "journey_insights"
BATCH = 70


def batch(source, row_filter) -> int:
    """One batch in its own transaction, as the erasure jobs run them."""
    with transaction.atomic():
        return source.delete_batch(category_id=CATEGORY, row_filter=row_filter, batch_size=BATCH)


def batch_lost_before_commit(source, row_filter) -> int:
    """One batch whose DELETE runs, then the database goes away before the COMMIT."""
    deleted = []
    with pytest.raises(OperationalError), transaction.atomic():
        deleted.append(
            source.delete_batch(category_id=CATEGORY, row_filter=row_filter, batch_size=BATCH)
        )
        raise OperationalError("terminating connection due to administrator command")
    return deleted[0]


def erase_the_rest(source, row_filter) -> int:
    total = 0
    while deleted := batch(source, row_filter):
        assert deleted <= BATCH
        total += deleted
    return total


def left(organisation) -> int:
    return JourneyEvent.objects.filter(tenant_id=organisation.tenant_id).count()


@pytest.mark.django_db
def test_a_rolled_back_batch_is_deleted_again(org_a, org_b, customer_data):
    source = BuiltinSource()
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    total, other = left(org_a), left(org_b)
    assert total > 3 * BATCH

    first = batch(source, row_filter)
    assert first == BATCH
    assert batch_lost_before_commit(source, row_filter) == BATCH
    assert left(org_a) == total - first  # the lost batch's rows are all back

    assert erase_the_rest(source, row_filter) == total - first
    assert left(org_a) == 0
    assert left(org_b) == other


def plans(queries) -> int:
    return sum("min(ctid)" in query["sql"] for query in queries)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_block_ranges_are_planned_again_after_a_batch_rolled_back(org_a, org_b, customer_data):
    """With real commits: the plan is kept while batches commit, and made again from the
    database after one rolled back."""
    assert connection.vendor == "postgresql"
    source = BuiltinSource()
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    total, other = left(org_a), left(org_b)
    assert total > 3 * BATCH

    with CaptureQueriesContext(connection) as queries:
        first = batch(source, row_filter) + batch(source, row_filter)
    assert first == 2 * BATCH
    assert plans(queries) == 1  # committed batches go on with the plan

    assert batch_lost_before_commit(source, row_filter) == BATCH
    assert left(org_a) == total - first

    with CaptureQueriesContext(connection) as queries:
        assert erase_the_rest(source, row_filter) == total - first
    assert plans(queries) == 1  # planned again once, after the rollback
    assert left(org_a) == 0
    assert left(org_b) == other
