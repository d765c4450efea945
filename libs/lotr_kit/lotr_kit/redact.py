"""Credentials out of logs: the `access_token` query parameter, Authorization values, and
anything shaped like one of our tokens, wherever a request line or a message is written.

Used by the services' access log (lotr_kit.server), Django's log formatter and error
reports (lotr_kit.middleware, lotr_kit.error_reports), and the filter the gateway's error
log goes through (gateway/redact_errors.py). Log files are created readable by their owner
only. Needs no Django settings: the server's main process imports it.
"""

import logging
import os
import re
from urllib.parse import unquote_plus

REDACTED = "[REDACTED]"

# Shapes first: an API key (lotr_ + 43 URL-safe characters, `_` perhaps sent as %5F) or a
# JWT, wherever it stands; then the value of any access_token parameter and any credential
# after an auth scheme, whatever it looks like.
_SECRETS = [
    (re.compile(r"lotr(?:_|%5[fF])[A-Za-z0-9_%-]{20,}"), REDACTED),
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(?i)(access(?:_|%5f)token(?:=|%3d|\"?\s*[:=]\s*\"?))[^&\s\"',;]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)\b(bearer|basic|token)(\s+|%20|\+)[^\s\"',;]+"), r"\1\2" + REDACTED),
]


def redact_text(text: str) -> str:
    """`text` with every credential it holds replaced by [REDACTED]."""
    if not text:
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def redact_query(query: str) -> str:
    """A raw query string with the value of every parameter that Django would read as
    `access_token` (its name decoded as Django decodes it) replaced, the rest as sent."""
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, sep, _ = part.partition("=")
        if sep and unquote_plus(name).lower() == "access_token":
            part = f"{name}={REDACTED}"
        parts.append(part)
    return redact_text("&".join(parts))


def open_private(path):
    """A log file opened for appending (binary, as a child process's stdout), created or left
    readable by its owner only (0600): what a supervisor writes a part's output to."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")


class PrivateFileHandler(logging.FileHandler):
    """logging's FileHandler, its file 0600 whatever the umask."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)
