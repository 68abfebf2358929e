"""GOV.UK Notify's callbacks, read and checked before anything is stored: each is a JSON
object (Notify may add fields; they are ignored). A received text message has id,
source_number, destination_number, message and date_received; a body that is not one is
refused whole, so nothing of it is stored."""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from pairs_group.db import utcnow

FIELDS = ("id", "source_number", "destination_number", "message", "date_received")
# Notify's ids are UUIDs; this is looser, but keeps an id a plain word that fits the column.
PROVIDER_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
LONGEST_NUMBER = 32


@dataclass(frozen=True)
class NotifyText:
    id: str
    source_number: str
    message: str
    received_at: datetime


def json_object(raw):
    """A callback's body (bytes) as a dict, or None if it is not a JSON object."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        return None
    return data if isinstance(data, dict) else None


def provider_id(data):
    """The callback's id if it is a plain one (a NUL in a query is an error on PostgreSQL)."""
    found = data.get("id")
    return found if isinstance(found, str) and PROVIDER_ID.fullmatch(found) else None


def received_text(raw):
    """The text in a received-text callback's body (bytes), or None if the body is not one."""
    data = json_object(raw) or {}
    if not all(isinstance(data.get(field), str) for field in FIELDS):
        return None
    received_at = when(data["date_received"])
    number = data["source_number"].strip()
    if not provider_id(data) or not number or len(number) > LONGEST_NUMBER \
            or received_at is None:
        return None
    return NotifyText(data["id"], number, data["message"], received_at)


def when(text):
    """Notify's date_received ("2027-01-10T11:00:00.000000Z", UTC) as an aware datetime, never
    later than now (a clock ahead must not put her text above later ones); None if it is not
    a date."""
    try:
        moment = datetime.fromisoformat(text.strip())
        moment = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
    except (ValueError, OverflowError):  # not a date; a year 1 or 9999 pushed out of range
        return None
    return min(moment, utcnow())
