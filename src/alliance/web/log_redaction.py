"""Link tokens never reach a log line. A client-link, progress-link or enrolment token is the
key to a client's forms or scores, or to a member's account, so Django's own request logging
("Not Found: /f/<token>/"), the servers' logs and the app's own all pass through this filter
on the way out."""

from __future__ import annotations

import logging
import re

# The addresses that carry a token, and any token=… pair (a query or a message).
_TOKEN_PATH = re.compile(r"(/(?:[fp]|enrol)/)[A-Za-z0-9_\-]{8,}")
_TOKEN_PAIR = re.compile(r"(token[\"']?\s*[=:]\s*[\"']?)[A-Za-z0-9_\-]{8,}", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _TOKEN_PAIR.sub(rf"\g<1>{REDACTED}", _TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text))


class RedactTokens(logging.Filter):
    """Rewrites the record's message with every token replaced; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django's request logging keeps the request on the record; a formatter that prints
        # it would show the path again.
        if hasattr(record, "request"):
            record.request = None
        return True
