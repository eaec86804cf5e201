"""The public pages: intake with its refusals, confirmation by POST, the status page behind a
proof of the email, replies, the letter and the download."""

import re

import pytest
from django.urls import reverse

from rights_requests.models import RequestStatus, RightsRequest
from tests.rights_requests.conftest import last_email, verify_token

pytestmark = pytest.mark.django_db

VALID = {
    "type": "access",
    "name": "Jane Subject",
    "email": "jane@example.org",
    "jurisdiction": "eu_gdpr",
    "company_name": "",
    "details": "Please send me my data.",
}


def test_the_form_files_a_request_and_asks_to_check_email(client):
    response = client.post(reverse("rights_requests:new"), VALID, follow=True)
    assert response.status_code == 200
    rr = RightsRequest.objects.get()
    assert "Check your email" in response.content.decode()
    assert rr.reference in response.content.decode()
    assert last_email("jane@example.org") is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "", "This field is required"),
        ("email", "not-an-email", "valid email"),
        ("type", "delete_everything", "Select a valid choice"),
        ("jurisdiction", "mars", "Select a valid choice"),
        ("details", "x" * 10_001, "at most 10000 characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, field, value, message):
    response = client.post(reverse("rights_requests:new"), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_a_flood_from_one_address_is_limited(client, settings):
    settings.RIGHTS_REQUEST_INTAKE_PER_IP_PER_HOUR = 3
    for index in range(3):
        client.post(reverse("rights_requests:new"), {**VALID, "email": f"p{index}@example.org"})
    response = client.post(reverse("rights_requests:new"), {**VALID, "email": "p9@example.org"})
    assert response.status_code == 429
    assert RightsRequest.objects.count() == 3


def test_confirmation_link_get_changes_nothing_post_confirms(client):
    client.post(reverse("rights_requests:new"), VALID)
    token = verify_token("jane@example.org")
    url = reverse("rights_requests:verify", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert RightsRequest.objects.get().status == RequestStatus.UNVERIFIED
    response = client.post(url, follow=True)
    rr = RightsRequest.objects.get()
    assert rr.status == RequestStatus.OPEN
    # The confirmation also opens the status page in this browser.
    assert "Summary" in response.content.decode() and rr.reference in response.content.decode()
    assert client.post(url).status_code == 410


def test_html_in_fields_is_shown_escaped_to_staff(client, dpo_user):
    from tests.conftest import login_with_second_factor

    client.post(reverse("rights_requests:new"), {**VALID, "name": "<script>alert(1)</script>"})
    client.post(
        reverse("rights_requests:verify", kwargs={"token": verify_token("jane@example.org")})
    )
    login_with_second_factor(client, dpo_user)
    rr = RightsRequest.objects.get()
    page = client.get(
        reverse("rights_requests_staff:request_detail", kwargs={"reference": rr.reference})
    )
    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def _status_page_with_code(client, rr, email):
    url = reverse("rights_requests:status", kwargs={"reference": rr.reference})
    client.post(url, {"email": email})
    message = last_email(email)
    code = re.search(r"code is (\d{6})", message.body_text).group(1)
    return client.post(url, {"code": code}, follow=True)


def test_status_needs_a_one_time_code_and_a_wrong_email_gets_the_same_answer(client, file_request):
    rr = file_request(email="s@example.org")
    url = reverse("rights_requests:status", kwargs={"reference": rr.reference})
    anonymous = client.get(url).content.decode()
    assert "Summary" not in anonymous
    wrong = client.post(url, {"email": "intruder@example.org"}).content.decode()
    unknown = client.post(
        reverse("rights_requests:status", kwargs={"reference": "RR-AAAA-BBBB-CCCC-DDDD"}),
        {"email": "s@example.org"},
    ).content.decode()
    right = client.post(url, {"email": "s@example.org"}).content.decode()
    sent = "If the reference and the email match a request"
    assert sent in wrong and sent in unknown and sent in right
    assert last_email("intruder@example.org") is None
    page = _status_page_with_code(client, rr, "s@example.org")
    assert "Summary" in page.content.decode()


def test_requester_replies_through_the_status_page(client, file_request, dpo_user):
    from rights_requests import services

    rr = file_request(email="m@example.org")
    services.rights_request_message(rr=rr, text="Which account?", actor=dpo_user)
    message = last_email("m@example.org")
    link = re.search(r"/privacy/requests/open/([^/\s]+)/", message.body_text).group(0)
    assert client.get(link).status_code == 200  # a page with a button; nothing used yet
    client.post(link)
    client.post(
        reverse("rights_requests:reply", kwargs={"reference": rr.reference}),
        {"text": "The shop one."},
    )
    assert rr.events.filter(kind="message_in", text="The shop one.").exists()


def test_download_link_of_another_request_is_refused(
    client, subject_data, admin_a, dpo_user, file_request, django_capture_on_commit_callbacks
):
    from rights_requests import services
    from rights_requests.views import DOWNLOAD_PURPOSE
    from tests.rights_requests.conftest import SUBJECT
    from trustcentre.lib.signed_links import make_signed_token

    rr = file_request(type="access")
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.fulfilment_start(rr=rr, actor=dpo_user)
    other = file_request(email="other@example.org")
    token = make_signed_token(DOWNLOAD_PURPOSE, str(job.public_id))
    # Proven for the other request only: the subject's file is not served.
    _status_page_with_code(client, other, "other@example.org")
    url = reverse("rights_requests:download", kwargs={"reference": other.reference, "token": token})
    assert client.get(url).status_code == 404
    url = reverse("rights_requests:download", kwargs={"reference": rr.reference, "token": token})
    assert client.get(url).status_code == 404
    # Once the subject proves the email, the link works.
    page = _status_page_with_code(client, rr, SUBJECT).content.decode()
    download = re.search(r'href="(/privacy/requests/[^"]+/download/[^"]+/)"', page).group(1)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    # A tampered link is a 404.
    assert client.get(download[:-3] + "x/").status_code == 404


def test_letter_pdf_after_completion(client, file_request, dpo_user):
    from rights_requests import services

    rr = file_request(email="l@example.org")
    services.rights_request_reject(
        rr=rr, reason="no_data", explanation="We hold nothing.", actor=dpo_user
    )
    _status_page_with_code(client, rr, "l@example.org")
    response = client.get(reverse("rights_requests:letter", kwargs={"reference": rr.reference}))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "We hold no data about the requester" in text
    assert "complain" in text
