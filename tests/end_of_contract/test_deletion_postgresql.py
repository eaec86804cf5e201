"""The built-in source's erasure on PostgreSQL (heap block ranges, see
BuiltinSource.delete_batch): at most a batch per call, every row of the tenant gone, rows
that move during the erasure found too, the other tenant untouched."""

import pytest

from exports.builtin_source.models import JourneyEvent, Lead
from exports.builtin_source.source import BuiltinSource
from exports.sources.base import RowFilter

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def erase(source, category_id, row_filter, batch_size, between=None) -> list[int]:
    batches = []
    while deleted := source.delete_batch(
        category_id=category_id, row_filter=row_filter, batch_size=batch_size
    ):
        assert deleted <= batch_size
        batches.append(deleted)
        if between:
            between(len(batches))
    return batches


def test_block_ranges_erase_everything_in_full_batches(org_a, org_b, customer_data):
    from django.db import connection

    assert connection.vendor == "postgresql"
    source = BuiltinSource()
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    total = JourneyEvent.objects.filter(tenant_id=org_a.tenant_id).count()
    other = JourneyEvent.objects.filter(tenant_id=org_b.tenant_id).count()
    batches = erase(source, "journey_insights", row_filter, 70)
    assert sum(batches) == total
    assert batches[:-1] == [70] * (len(batches) - 1)
    assert not JourneyEvent.objects.filter(tenant_id=org_a.tenant_id).exists()
    assert JourneyEvent.objects.filter(tenant_id=org_b.tenant_id).count() == other


def test_rows_that_move_during_the_erasure_are_found(org_a, org_b, customer_data):
    source = BuiltinSource()
    row_filter = RowFilter(tenant_id=org_a.tenant_id)
    other = Lead.objects.filter(tenant_id=org_b.tenant_id).count()

    def update_the_rest(batch_number):
        if batch_number == 1:  # an UPDATE writes new row versions, often in other blocks
            Lead.objects.filter(tenant_id=org_a.tenant_id).update(lead_score=99)

    erase(source, "leads", row_filter, 7, between=update_the_rest)
    assert not Lead.objects.filter(tenant_id=org_a.tenant_id).exists()
    assert Lead.objects.filter(tenant_id=org_b.tenant_id).count() == other
