"""Production logs are JSON lines that carry the request id."""

import io
import json
import logging
import logging.config

import pytest


@pytest.mark.django_db
def test_production_log_lines_are_json_with_the_request_id(client, settings):
    stream = io.StringIO()
    config = json.loads(json.dumps(settings.LOGGING, default=str))
    config["filters"]["request_id"] = {"()": "trustcentre.lib.request_id.RequestIdFilter"}
    config["formatters"]["json"]["()"] = "pythonjsonlogger.json.JsonFormatter"
    config["handlers"]["console"] = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["request_id"],
        "stream": stream,
    }
    logging.config.dictConfig(config)
    try:
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
        response = client.get("/healthz", HTTP_X_REQUEST_ID="req-0123456789")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert response.status_code == 503
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    broker_lines = [line for line in lines if "broker did not answer" in line["message"]]
    assert broker_lines, lines
    assert broker_lines[0]["request_id"] == "req-0123456789"
    assert broker_lines[0]["level"] == "ERROR"
