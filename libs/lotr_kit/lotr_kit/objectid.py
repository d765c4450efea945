"""24-hex MongoDB-style ids, the identity of every row in every service."""

import os
import re
import struct
import time

_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_WRAPPED = re.compile(r"ObjectId\(([0-9a-fA-F]{24})\)")


def normalize_object_id(value: str) -> str | None:
    """The lower-case id for a 24-hex string in any case, or None when it is not one."""
    if _OBJECT_ID.fullmatch(value):
        return value.lower()
    return None


def parse_csv_object_id(value: str) -> str | None:
    """An id from a CSV cell written as `ObjectId(<hex>)` or bare hex; None when malformed."""
    match = _WRAPPED.fullmatch(value)
    return normalize_object_id(match.group(1) if match else value)


def new_object_id() -> str:
    """A fresh id of the same shape: 4 bytes of seconds, then 8 random bytes."""
    return (struct.pack(">I", int(time.time())) + os.urandom(8)).hex()
