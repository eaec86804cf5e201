"""Errors are RFC 9457 problem documents (application/problem+json) everywhere under /api/."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tests.api.conftest import bearer, is_problem
from trustcentre.accounts.api import OrganisationDetail


def test_an_unknown_api_address_is_a_404_problem(client, db):
    body = is_problem(client.get("/api/v1/no-such-thing/"), 404)
    assert body["type"] == "about:blank"
    assert body["title"] == "Not Found"
    body = is_problem(client.post("/api/nothing-here", content_type="application/json"), 404)
    assert body["status"] == 404


def test_a_404_elsewhere_is_still_a_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unexpected_error_is_a_500_problem_without_details(key_a, monkeypatch):
    def fail(self):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(OrganisationDetail, "get_object", fail)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/organisation/", **bearer(key_a[1]))
    body = is_problem(response, 500)
    assert body["type"] == "about:blank"
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_wrong_method_is_a_405_problem(client, key_a):
    response = client.delete("/api/v1/organisation/", **bearer(key_a[1]))
    body = is_problem(response, 405)
    assert "DELETE" in body["detail"]


# Validation errors: a small endpoint in the shape the write APIs will have.


class SubscriptionInput(serializers.Serializer):
    email = serializers.EmailField()
    topics = serializers.ListField(child=serializers.ChoiceField(["changes", "documents"]))


class Subscribe(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = SubscriptionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["email"].endswith("@blocked.test"):
            # What a service raises; the handler gives it the same shape.
            raise DjangoValidationError({"email": ["This address cannot subscribe."]})
        return Response(status=202)


urlpatterns = [path("api/v1/test-subscriptions/", Subscribe.as_view())]


@pytest.mark.urls(__name__)
def test_validation_errors_list_each_fields_messages(client, db):
    response = client.post(
        "/api/v1/test-subscriptions/",
        {"email": "not an email", "topics": ["weather"]},
        content_type="application/json",
    )
    body = is_problem(response, 400)
    assert body["type"].endswith("/api/problems/validation-error")
    assert body["errors"] == {
        "email": ["Enter a valid email address."],
        "topics": {"0": ['"weather" is not a valid choice.']},
    }


@pytest.mark.urls(__name__)
def test_a_services_validation_error_has_the_same_shape(client, db):
    response = client.post(
        "/api/v1/test-subscriptions/",
        {"email": "someone@blocked.test", "topics": ["changes"]},
        content_type="application/json",
    )
    body = is_problem(response, 400)
    assert body["errors"] == {"email": ["This address cannot subscribe."]}


@pytest.mark.urls(__name__)
def test_malformed_json_is_a_400_problem(client, db):
    response = client.post(
        "/api/v1/test-subscriptions/", "{not json", content_type="application/json"
    )
    body = is_problem(response, 400)
    assert "JSON parse error" in body["detail"]
