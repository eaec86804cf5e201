"""The response letter is fit to send: the customer's name (never its slug), the kinds of data
by name, what was done and when, the deadline that applies in the right tense, and for an
access request the information GDPR Art. 15(1) and (2) require: purposes, categories,
recipients (the sub-processor list, with countries and safeguards), retention, source, the
rights, and the right to complain to a supervisory authority."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from rights_requests import services
from rights_requests.letters import letter_pdf
from rights_requests.models import RequestStatus
from subprocessors.models import SubProcessor, TransferMechanism
from subprocessors.services import register_initialise, subprocessor_create
from trustcentre.lib.moments import format_moment

pytestmark = pytest.mark.django_db


def pdf_text(rr) -> str:
    pages = PdfReader(io.BytesIO(letter_pdf(rr))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def warehouse(db):
    """A sub-processor in use, outside the EEA."""
    subprocessor = subprocessor_create(
        status=SubProcessor.Status.ACTIVE,
        name="Warehousely",
        legal_entity="Warehousely Inc.",
        purpose="Analytics warehouse",
        services=["Analytics"],
        data_categories=["Contact data"],
        countries=["US", "NL"],
        transfer_mechanism=TransferMechanism.SCC_MODULE_3,
        website="https://warehousely.example",
    )
    register_initialise()
    return subprocessor


@pytest.fixture
def answered_access(
    subject_data,
    warehouse,
    org_a,
    admin_a,
    dpo_user,
    file_request,
    django_capture_on_commit_callbacks,
):
    org_a.name = "Acme Retail GmbH"
    org_a.save(update_fields=["name"])
    rr = file_request(type="access")
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.fulfilment_start(rr=rr, actor=dpo_user)
    rr.refresh_from_db()
    services.rights_request_complete(
        rr=rr, outcome="Your records are in the zip on your page.", actor=dpo_user
    )
    rr.refresh_from_db()
    return rr


def test_an_access_letter_names_the_customer_and_the_kinds_of_data(answered_access):
    text = pdf_text(answered_access)
    assert "Acme Retail GmbH" in text
    assert not re.search(r"\bacme\b", text)  # the slug
    for name in ("Lead contact data", "Visitor profiles", "Journey insights"):
        assert name in text
    for code in ("leads", "visitor_profiles", "journey_insights", "organisation_profiles"):
        assert code not in text
    assert answered_access.get_status_display() not in text
    # What was done, for whom and when.
    done_on = format_moment(answered_access.results.get().done_at, day_only=True)
    assert f"Acme Retail GmbH, {done_on}:" in text


def test_an_access_letter_holds_the_article_15_information(answered_access):
    text = pdf_text(answered_access)
    assert "GDPR Art. 15(1)" in text
    # (a) purposes: the customer decides them; we act for it.
    assert "Purposes" in text and "Acme Retail GmbH decides why your data is processed" in text
    # (b) categories.
    assert "Categories of data concerned" in text
    # (c) recipients, with where they process the data and the safeguard (Art. 15(2)).
    assert "Warehousely (Warehousely Inc.)" in text
    assert "United States, Netherlands" in text
    assert "EU SCCs, module 3" in text
    # (d) retention, from the end-of-contract periods.
    assert "How long it is kept" in text and "at least 30 days to take the data back" in text
    # (g) source.
    assert "Where it comes from" in text and "comes from Acme Retail GmbH" in text
    # (e) the rights, and (f) the complaint.
    for right in ("corrected (rectification)", "erased", "restricted", "object to"):
        assert right in text
    assert "right to complain to the data protection supervisory authority" in text


def test_the_letter_states_the_deadline_that_applied_in_the_past_tense(answered_access):
    text = pdf_text(answered_access)
    answered_on = format_moment(answered_access.closed_at, day_only=True)
    due = format_moment(answered_access.due_date)
    assert f"We answered on {answered_on}, within our deadline of {due}." in text


def test_an_open_letter_names_the_extended_deadline_in_the_future_tense(
    file_request, dpo_user, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    rr = file_request(type="portability", email="elena@example.org")
    original = rr.due_date
    services.rights_request_extend(rr=rr, reason="Several systems.", actor=dpo_user)
    rr.refresh_from_db()
    assert rr.status == RequestStatus.OPEN
    assert rr.due_date > original + datetime.timedelta(days=50)
    text = pdf_text(rr)
    assert f"We will answer by {format_moment(rr.due_date)}." in text
    assert format_moment(original) not in text
    assert "Our deadline was" not in text
    # Not an access request: no Art. 15 section.
    assert "GDPR Art. 15(1)" not in text
