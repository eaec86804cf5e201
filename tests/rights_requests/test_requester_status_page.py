"""The requester's status page: a look-up field for a reference, an answer box only once we
asked a question, and no staff email address anywhere."""

import re

import pytest
from django.urls import reverse

from rights_requests import services
from tests.rights_requests.conftest import last_email

pytestmark = pytest.mark.django_db


def _open_status_page(client, rr):
    url = reverse("rights_requests:status", kwargs={"reference": rr.reference})
    client.post(url, {"email": rr.email})
    code = re.search(r"code is (\d{6})", last_email(rr.email).body_text).group(1)
    return client.post(url, {"code": code}, follow=True).content.decode()


def test_a_reference_typed_into_the_look_up_opens_that_requests_page(client, file_request):
    rr = file_request(email="look@example.org")
    form_page = client.get(reverse("rights_requests:new")).content.decode()
    assert 'href="/privacy/requests/look-up/"' in form_page

    lookup = client.get("/privacy/requests/look-up/").content.decode()
    assert 'name="reference"' in lookup
    # Pasted from an email, with spaces around it and in lower case.
    response = client.get("/privacy/requests/look-up/", {"reference": f" {rr.reference.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/privacy/requests/{rr.reference}/"
    # The page it opens still asks for proof of the email before it shows anything.
    proof = client.get(response["Location"]).content.decode()
    assert "Summary" not in proof
    assert 'name="email"' in proof
    # ...and offers the look-up for another request.
    assert 'action="/privacy/requests/look-up/"' in proof


def test_a_reference_with_other_characters_is_refused_with_a_message(client):
    response = client.get("/privacy/requests/look-up/", {"reference": "RR-1234/../x"})
    assert response.status_code == 200
    assert "A reference has only letters, digits and dashes." in response.content.decode()


def test_no_answer_box_until_we_ask_a_question(client, file_request, dpo_user):
    rr = file_request(email="ask@example.org")
    page = _open_status_page(client, rr)
    assert "Summary" in page
    assert "Your answer" not in page
    assert "Send my answer" not in page
    assert 'name="reference"' in page  # the look-up for another request

    services.rights_request_message(rr=rr, text="Which account do you mean?", actor=dpo_user)
    page = client.get(reverse("rights_requests:status", kwargs={"reference": rr.reference}))
    body = page.content.decode()
    assert "Which account do you mean?" in body
    assert "Your answer" in body and "Send my answer" in body


def test_the_requester_never_sees_a_staff_email_address(client, file_request, dpo_user):
    rr = file_request(email="who@example.org")
    services.rights_request_assign(rr=rr, assignee=dpo_user, actor=dpo_user)
    services.rights_request_note(rr=rr, text="Check the shop.", actor=dpo_user)
    services.rights_request_message(rr=rr, text="Which account?", actor=dpo_user)
    page = _open_status_page(client, rr)
    assert "Which account?" in page
    assert dpo_user.email not in page
    assert "Check the shop." not in page
