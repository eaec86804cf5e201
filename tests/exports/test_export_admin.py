"""Superusers can look at export jobs and the suppression list in the admin, never change them."""

import pytest

from tests.conftest import login_with_second_factor, make_user


@pytest.mark.django_db
def test_superuser_sees_export_jobs_read_only(client):
    superuser = make_user("root@provider.test", is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)
    assert client.get("/admin/exports/exportjob/").status_code == 200
    assert client.get("/admin/exports/suppressionentry/").status_code == 200
    assert client.get("/admin/exports/exportjob/add/").status_code == 403
