"""The footer's "Service status" opens a page for people, with a way back; /healthz stays JSON
for machines."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_footer_links_to_a_status_page_in_words_with_a_way_back(client):
    home = client.get("/").content.decode()
    assert '<a href="/status/">Service status</a>' in home

    response = client.get("/status/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Service status</h1>" in page
    assert "Everything is working." in page
    assert page.count(">Working</span>") == 2
    assert '<a href="/">Back to the trust centre</a>' in page
    # The time of the check is labelled with its zone.
    assert "Checked at" in page and ("UTC" in page or "CET" in page)


def test_the_status_page_says_which_part_is_not_working(client, settings):
    # Nothing listens on port 1, so the broker cannot be reached.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/status/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Part of the service is not working at the moment." in page
    broker_row = page.split('data-component="broker"', 1)[1].split("</tr>", 1)[0]
    assert "Not working" in broker_row
    database_row = page.split('data-component="database"', 1)[1].split("</tr>", 1)[0]
    assert ">Working</span>" in database_row
