"""trustcentre.lib.signed_links: single-purpose tokens that expire."""

import time
from datetime import timedelta
from unittest import mock

import pytest

from trustcentre.lib.signed_links import (
    BadSignature,
    SignatureExpired,
    make_signed_token,
    read_signed_token,
)


def test_a_token_gives_back_its_value_within_max_age():
    token = make_signed_token("export-download", "3f1c")
    assert read_signed_token("export-download", token, max_age=60) == "3f1c"
    assert read_signed_token("export-download", token, max_age=timedelta(minutes=1)) == "3f1c"


def test_a_token_for_another_purpose_is_refused():
    token = make_signed_token("export-download", "3f1c")
    with pytest.raises(BadSignature):
        read_signed_token("document-download", token, max_age=60)


def test_a_changed_value_or_signature_is_refused():
    token = make_signed_token("export-download", "3f1c")
    value, timestamp, signature = token.split(":")
    with pytest.raises(BadSignature):
        read_signed_token("export-download", f"4f1c:{timestamp}:{signature}", max_age=60)
    with pytest.raises(BadSignature):
        read_signed_token("export-download", f"{value}:{timestamp}:{signature[:-2]}xx", max_age=60)


def test_an_old_token_has_expired():
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 120):
        token = make_signed_token("export-download", "3f1c")
    with pytest.raises(SignatureExpired):
        read_signed_token("export-download", token, max_age=60)


def test_purpose_and_expiry_are_required():
    with pytest.raises(ValueError):
        make_signed_token("", "3f1c")
    token = make_signed_token("export-download", "3f1c")
    with pytest.raises(ValueError):
        read_signed_token("export-download", token, max_age=None)
