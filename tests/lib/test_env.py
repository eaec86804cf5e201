"""Settings read from the environment: typed values, secrets from a _FILE, and a bad value
refused at start with the variable's name (never a value that may hold a password)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from trustcentre.lib.env import (
    cache_from_url,
    email_from_url,
    read,
    read_bool,
    read_int,
    read_list,
    read_ports,
)


def test_a_secret_is_read_from_the_file_named_by_its_file_variable(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("PORTAL_TEST_SECRET", "from the variable")
    monkeypatch.setenv("PORTAL_TEST_SECRET_FILE", str(secret))
    assert read("PORTAL_TEST_SECRET") == "s3cret"


def test_typed_readers_take_good_values_and_name_the_variable_of_a_bad_one(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_FLAG", "yes")
    monkeypatch.setenv("PORTAL_TEST_NUMBER", "42")
    monkeypatch.setenv("PORTAL_TEST_LIST", " a, ,b ")
    monkeypatch.setenv("PORTAL_TEST_PORTS", "25,587")
    assert read_bool("PORTAL_TEST_FLAG", False) is True
    assert read_int("PORTAL_TEST_NUMBER", 1) == 42
    assert read_list("PORTAL_TEST_LIST") == ["a", "b"]
    assert read_ports("PORTAL_TEST_PORTS", "") == frozenset({25, 587})
    for name, value, reader in [
        ("PORTAL_TEST_FLAG", "maybe", lambda: read_bool("PORTAL_TEST_FLAG", False)),
        ("PORTAL_TEST_NUMBER", "4x", lambda: read_int("PORTAL_TEST_NUMBER", 1)),
        ("PORTAL_TEST_PORTS", "70000", lambda: read_ports("PORTAL_TEST_PORTS", "")),
    ]:
        monkeypatch.setenv(name, value)
        with pytest.raises(ImproperlyConfigured, match=name):
            reader()


def test_an_smtp_url_gives_djangos_email_settings():
    config = email_from_url("smtps://mailer:p%40ss@mail.example:2465?timeout=5")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example",
        "EMAIL_PORT": 2465,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": True,
        "EMAIL_USE_TLS": False,
        "EMAIL_TIMEOUT": 5,
    }
    assert email_from_url("smtp://mail.example?tls=1")["EMAIL_USE_TLS"] is True
    assert email_from_url("file:///var/mail")["EMAIL_FILE_PATH"] == "/var/mail"


@pytest.mark.parametrize(
    "url",
    [
        "smpt://mail.example",
        "smtp://user:hunter2@mail.example:notaport",
        "smtp://user:hunter2@mail.example:99999",
        "smtp://user:hunter2@mail.example?tls=maybe",
        "smtp://user:hunter2@mail.example?timeout=soon",
    ],
)
def test_a_bad_email_url_is_refused_naming_the_variable_and_not_the_password(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL") as refused:
        email_from_url(url)
    assert "hunter2" not in str(refused.value)


def test_a_cache_url_of_an_unknown_kind_is_refused_naming_the_variable():
    assert cache_from_url("redis://127.0.0.1:6379/1")["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://127.0.0.1")
