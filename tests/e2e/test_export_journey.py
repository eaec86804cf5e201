"""A customer admin exports the organisation's data from the portal: picks categories and CSV,
starts the export, watches the progress bar move while a real Celery worker writes the files,
and downloads the zip whose manifest matches what the page said.

The job runs where it runs in production: the live server enqueues it through Redis, and a
Celery worker process (the drills' fixtures, see conftest.py) writes it on the PostgreSQL test
database while the page polls its status URL. So this journey needs .ci/run's second pass
(PostgreSQL and Redis), like the drills.

To see the bar stand between empty and full, the test holds the job's row lock for a moment
once the first category is written: the worker then waits at its next progress write, and the
page keeps showing the progress it last committed. Nothing in the page or the job is faked."""

import csv
import hashlib
import io
import json
import re
import time
import zipfile

import pytest
from django.db import transaction
from playwright.sync_api import expect

from exports.builtin_source.sample_data import generate_sample_data
from exports.models import ExportJob
from tests.conftest import PASSWORD
from tests.e2e.conftest import main_nav_link, sign_in_with_code
from tests.reliability.conftest import wait_for
from trustcentre.jobs.models import JobStatus

pytestmark = [pytest.mark.e2e, pytest.mark.postgresql]

LEADS = 20_000  # and, from the sample data's proportions, 6 journey events per lead


@pytest.fixture
def acme_data(org_a):
    counts = generate_sample_data(tenant_id=org_a.tenant_id, leads=LEADS, seed=3)
    return counts


def first_category_done(job: ExportJob):
    job.refresh_from_db()
    if job.status == JobStatus.COMPLETED:
        pytest.fail("the export finished before the test could hold it half-way")
    return job.status == JobStatus.RUNNING and 0 < job.progress < 1


def test_customer_admin_exports_csv_and_downloads_the_zip(
    page, admin_a, acme_data, start_worker, broker_delivery, smtp_sink, tmp_path
):
    main = page.locator("main")
    sign_in_with_code(page, admin_a, PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/$"))

    main_nav_link(page, "Exports").click()
    # One organisation: straight to its exports.
    expect(page).to_have_url(re.compile(r"/portal/exports/acme/$"))
    expect(main.get_by_role("heading", name="Exports of Acme")).to_be_visible()
    expect(main).to_contain_text("No exports yet")

    form = main.locator("form", has=page.get_by_role("button", name="Start the export"))
    # Every category is ticked to begin with; this admin wants two of them.
    form.get_by_label("Visitor profiles").uncheck()
    form.get_by_label("Organisation profiles").uncheck()
    expect(form.get_by_label("Lead contact data")).to_be_checked()
    expect(form.get_by_label("Journey insights")).to_be_checked()
    form.get_by_label("CSV (RFC 4180)").check()
    form.get_by_role("button", name="Start the export").click()

    # No worker is running yet: the job waits in the queue, the bar is empty.
    expect(page).to_have_url(re.compile(r"/portal/exports/acme/[0-9a-f-]{36}/$"))
    job = ExportJob.objects.get()
    assert (job.categories, job.format) == (["leads", "journey_insights"], "csv")
    status = main.locator("[data-job-status]")
    expect(status).to_have_text("Queued")
    bar = main.get_by_role("progressbar")
    expect(bar).to_have_js_property("value", 0)

    start_worker()
    wait_for(lambda: first_category_done(job), timeout=60, interval=0.01, message="progress")
    with transaction.atomic():
        ExportJob.objects.select_for_update().get(pk=job.pk)  # the worker waits at its next write
        job.refresh_from_db()
        assert 0 < job.rows_written < LEADS * 7
        assert job.total_rows_expected == LEADS * 7
        expect(status).to_have_text("Running")
        expect(bar).to_have_js_property("value", job.progress)
        value = bar.evaluate("el => el.value")
        assert 0 < value < 1, value
        expect(main.get_by_role("status")).to_contain_text(
            f"Rows written: {job.rows_written:,} / {LEADS * 7:,}"
        )
        if "leads" in job.row_counts:
            expect(main.locator('[data-category-rows="leads"]')).to_have_text(f"{LEADS:,}")
        time.sleep(1.5)  # a poll or two more: the bar stays where the job is
        assert bar.evaluate("el => el.value") == value

    # Released: the job finishes, the page reloads itself and offers the archive.
    download_link = main.get_by_role("link", name="Download the zip")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(status).to_have_text("Completed")
    expect(bar).to_have_count(0)
    expect(main.locator("tbody tr")).to_have_text(
        [
            re.compile(rf"Lead contact data\s*{LEADS}"),
            re.compile(rf"Journey insights\s*{LEADS * 6}"),
        ]
    )
    job.refresh_from_db()
    expect(main).to_contain_text(job.sha256)

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert re.fullmatch(r"acme-export-\d{8}-[0-9a-f]{8}\.zip", download.suggested_filename)
    archive_path = tmp_path / download.suggested_filename
    download.save_as(archive_path)
    assert hashlib.sha256(archive_path.read_bytes()).hexdigest() == job.sha256

    with zipfile.ZipFile(archive_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "csv"
        rows = {category["id"]: category["rows"] for category in manifest["categories"]}
        assert rows == {"leads": LEADS, "journey_insights": LEADS * 6}
        assert sorted(archive.namelist()) == sorted(
            [
                "manifest.json",
                "leads.csv",
                "journey_insights.csv",
                "schemas/leads.schema.json",
                "schemas/journey_insights.schema.json",
            ]
        )
        for entry in manifest["files"]:
            data = archive.read(entry["name"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
            assert len(records) - 1 == entry["rows"] == rows[entry["category"]]

    # And the email that says so.
    wait_for(
        lambda: any(admin_a.email in received.recipients for received in smtp_sink.received),
        timeout=30,
        message="the export-ready email",
    )
    (ready,) = smtp_sink.received
    assert ready.subject == "Your data export for Acme is ready"
