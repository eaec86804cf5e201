"""The fuzz raises the rate limits for its server; the schema must still tell clients about 429
and the problem-details errors (SECURITY-TESTS.md R14, R18)."""

import re
import uuid

from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

PROBLEM = "application/problem+json"


def is_throttled(path: str) -> bool:
    view = resolve(re.sub(r"\{\w+\}", str(uuid.uuid4()), path)).func.view_class
    return bool(view().get_throttles())


def test_every_limited_operation_documents_429_with_retry_after_and_problem_details():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            too_many = responses.get("429", {})
            documented = PROBLEM in too_many.get("content", {}) and "Retry-After" in too_many.get(
                "headers", {}
            )
            if is_throttled(path) and not documented:
                missing.append(f"{method.upper()} {path}: 429")
            errors = [status for status in responses if status.startswith("4")]
            for status in errors:
                if PROBLEM not in responses[status].get("content", {}):
                    missing.append(f"{method.upper()} {path}: {status} not problem+json")
    assert not missing, "\n".join(missing)
    assert len(schema["paths"]) >= 10
    assert any(is_throttled(path) for path in schema["paths"])  # the 429 check was made
