"""Logs as JSON lines, one object a line, each with the request id (the one nginx
sent in X-Request-ID, or a new one) and the signed-in user, so that an
administrator can follow one request through nginx, the web server and the
task worker (whose lines carry the task id)."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from django.utils.functional import empty

_request = contextvars.ContextVar("planwatch_request", default=None)
_task = contextvars.ContextVar("planwatch_task", default="")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access = logging.getLogger("planwatch.request")


def bind_task(task_id: str):
    """Lines logged while the worker runs a task carry its id."""
    return _task.set(str(task_id or ""))


def _username(request) -> str:
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if user is None or wrapped is empty:  # not looked up: do not query from a log call
        return ""
    return getattr(wrapped, "username", "") if getattr(wrapped, "is_authenticated", False) else ""


def current_user():
    """The signed-in user of the request being answered, or None (a task, a command,
    an anonymous visitor): who did it, for an audit entry written from a signal."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


_factory = logging.getLogRecordFactory()


def _record_with_context(*args, **kwargs) -> logging.LogRecord:
    """Every record carries the request id, user and task of the moment it is made
    (not of the moment a handler formats it)."""
    record = _factory(*args, **kwargs)
    request = _request.get()
    if request is not None:
        record.request_id = getattr(request, "request_id", "")
        record.user = _username(request)
    if _task.get():
        record.task_id = _task.get()
    return record


if getattr(_factory, "__name__", "") != "_record_with_context":
    logging.setLogRecordFactory(_record_with_context)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "user", "task_id", "method", "path", "status", "ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestContextMiddleware:
    """First in the chain: a request id for the logs and the X-Request-ID header,
    and one access line per request (method, path without its query, status, time,
    user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _request.set(request)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request.request_id
            access.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )
            return response
        finally:
            _request.reset(token)
