"""The app's own log lines are JSON objects that carry the id of the request they were written
in, so one request can be followed from its access line through its log lines to its audit rows."""

from __future__ import annotations

import io
import json
import logging
import logging.config

from matchmaker.services.audit import RequestOrigin, current_origin
from matchmaker.web.observability import JsonLogFormatter, log_config


def _logger(stream: io.StringIO) -> logging.Logger:
    logger = logging.getLogger("matchmaker.test-structured")
    logger.handlers = []
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_a_line_written_during_a_request_carries_its_request_id():
    stream = io.StringIO()
    token = current_origin.set(RequestOrigin(ip="127.0.0.1", request_id="3f2a-request"))
    try:
        _logger(stream).info("导入完成：%d 行", 12)
    finally:
        current_origin.reset(token)

    line = json.loads(stream.getvalue())
    assert line["request_id"] == "3f2a-request"
    assert line["message"] == "导入完成：12 行" and line["level"] == "INFO"
    assert line["logger"] == "matchmaker.test-structured" and isinstance(line["pid"], int) and line["time"]


def test_outside_a_request_the_id_is_empty_and_an_exception_is_kept():
    stream = io.StringIO()
    try:
        raise ValueError("坏的输入")
    except ValueError:
        _logger(stream).exception("job failed")

    line = json.loads(stream.getvalue())
    assert line["request_id"] == ""
    assert "ValueError: 坏的输入" in line["exception"]


def test_served_processes_and_the_worker_use_it():
    """`serve` passes log_config() to uvicorn and `worker` gives it to dictConfig (not applied
    here: it would take the matchmaker loggers away from pytest's capture for later tests)."""
    config = log_config()
    factory = logging.config.BaseConfigurator({}).resolve(config["formatters"]["matchmaker"]["()"])
    assert factory is JsonLogFormatter
    assert config["loggers"]["matchmaker"] == {"handlers": ["matchmaker"], "level": "INFO", "propagate": False}
    assert config["handlers"]["matchmaker"]["formatter"] == "matchmaker"
