#!/usr/bin/env python
"""Deletion benchmark of issue 8, on PostgreSQL: the end-of-contract deletion job erasing one
tenant's leads, against one plain DELETE of another tenant's leads of the same shape in the
same table, run beside it. See benchmarks/README.md.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/deletion.py [--leads N] [--repeat R]

Target: the job at most 2 x the plain DELETE, with its progress still reported (the number of
progress updates the job wrote is printed)."""

import argparse
import datetime
import os
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0


def django_setup(work: Path) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustcentre.settings")
    os.environ["DEBUG"] = "0"  # Django's query log would distort the figures
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["EMAIL_URL"] = "locmem://"
    os.environ["PRIVATE_FILES_ROOT"] = str(work / "private")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def fill_leads(tenant_id: uuid.UUID, count: int) -> None:
    """`count` leads of one tenant, written by the database itself (seconds, not minutes)."""
    from django.db import connection

    from exports.builtin_source.models import Lead

    table = connection.ops.quote_name(Lead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (contact_id, tenant_id, first_name, last_name, email, phone,
                company, job_title, country, ip_network, city, region, consent_marketing,
                consent_recorded_at, lead_score, page_views, last_seen_at, created_at, updated_at)
            SELECT gen_random_uuid(), %s, 'Anna', 'Müller', 'lead' || n || '@example.com',
                '+4930' || (1000000 + n), 'Nordlicht GmbH', 'CTO', 'DE', '198.18.1.0/24',
                'Berlin', 'Berlin', n %% 2 = 0, NULL, n %% 101, 1 + n %% 250,
                now() - (n || ' seconds')::interval, now() - (n || ' seconds')::interval, now()
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 (the table name is the model's own, quoted)
            [tenant_id, count],
        )
        cursor.execute(f"VACUUM ANALYZE {table}")


def vacuum() -> None:
    from django.db import connection

    from exports.builtin_source.models import Lead

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {connection.ops.quote_name(Lead._meta.db_table)}")


def plain_delete(tenant_id: uuid.UUID) -> tuple[float, int]:
    from django.db import connection, transaction

    from exports.builtin_source.models import Lead

    table = connection.ops.quote_name(Lead._meta.db_table)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant_id])  # noqa: S608
        rows = cursor.rowcount
    return time.perf_counter() - started, rows


def job_delete(tenant_id: uuid.UUID, slug: str) -> tuple[float, float, int, int]:
    """The whole job as a worker runs it: counts, every batch with its progress, the
    certificate PDF, the former-customer mark. Returns the time to the last batch's progress
    record (the erasure), the whole job's time, rows, and progress updates."""
    from django.db import connection

    from exports.end_of_contract import services
    from exports.end_of_contract.models import DeletionJob
    from trustcentre.accounts.models import Organisation

    today = datetime.date.today()
    organisation = Organisation.objects.create(
        name=slug,
        slug=slug,
        kind=Organisation.Kind.CUSTOMER,
        tenant_id=tenant_id,
        contract_end=today - datetime.timedelta(days=90),
    )
    case = services.case_open_for_contract_end(organisation=organisation, today=today)
    job = services.deletion_start(case=case, today=today + datetime.timedelta(days=90))
    # Count the job row's progress updates as they happen, from the queries themselves.
    updates = []

    def count_updates(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('UPDATE "end_of_contract_deletionjob"') and "deleted_counts" in sql:
            updates.append(time.perf_counter())
        return result

    started = time.perf_counter()
    with connection.execute_wrapper(count_updates):
        services.deletion_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job = DeletionJob.objects.get(pk=job.pk)
    if job.status != "completed":
        raise SystemExit(f"the job did not complete: {job.status} {job.error}")
    return updates[-1] - started, elapsed, job.deleted_counts.get("leads", 0), len(updates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="deletion-bench-") as work:
        django_setup(Path(work))
        from django.conf import settings
        from django.db import connection

        if connection.vendor != "postgresql":
            raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL.")
        batch = settings.END_OF_CONTRACT_DELETION_BATCH_ROWS
        print(f"{args.leads:,} leads per tenant; batch {batch:,} rows")
        print(
            f"{'run':>4} {'plain DELETE':>13} {'job: erasure':>13} {'ratio':>6} "
            f"{'whole job':>10} {'ratio':>6} {'progress updates':>17}"
        )
        worst = 0.0
        for run in range(1, args.repeat + 1):
            plain_tenant, job_tenant = uuid.uuid4(), uuid.uuid4()
            fill_leads(plain_tenant, args.leads)
            fill_leads(job_tenant, args.leads)
            plain_seconds, plain_rows = plain_delete(plain_tenant)
            vacuum()  # so the job does not pay for the plain DELETE's dead rows
            erasure, whole, job_rows, updates = job_delete(
                job_tenant, f"bench-deletion-{job_tenant.hex[:8]}"
            )
            assert plain_rows == job_rows == args.leads, (plain_rows, job_rows)
            ratio = erasure / plain_seconds
            worst = max(worst, ratio)
            print(
                f"{run:>4} {plain_seconds:>11.2f} s {erasure:>11.2f} s {ratio:>5.2f}x "
                f"{whole:>8.2f} s {whole / plain_seconds:>5.2f}x {updates:>17}"
            )
        verdict = "PASS" if worst <= TARGET_RATIO else "FAIL"
        print(f"worst erasure ratio {worst:.2f}x (target at most {TARGET_RATIO}x): {verdict}")
        print("(whole job = erasure + the certificate PDF, rendered once per case)")


if __name__ == "__main__":
    main()
