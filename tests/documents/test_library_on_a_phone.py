"""On a phone the library's table becomes one card per document; each cell carries its
column's label, so "Your access" is read beside its value instead of hiding off-screen."""

import pytest

pytestmark = pytest.mark.django_db


def test_each_cell_is_labelled_with_its_column(client, prospect, documents):
    client.force_login(prospect)
    html = client.get("/documents/").content.decode()
    assert 'src="/static/js/tables.js"' in html
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert rows
    for row in rows:
        for label in ("Category", "Access", "Version", "Your access"):
            assert f'data-label="{label}"' in row
