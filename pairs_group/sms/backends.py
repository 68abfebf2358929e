"""Where texts go: printed to the console (development) or recorded (tests).

Every backend takes a message and its rendered body and returns the provider's id for it, or
raises SendError.
"""

import json
import sys
from pathlib import Path

from pairs_group.db import utcnow


class SendError(Exception):
    """The provider refused or failed; `permanent` says whether trying again could help."""

    def __init__(self, message, code=None, permanent=False):
        super().__init__(message)
        self.code, self.permanent = code, permanent


class ConsoleBackend:
    """Prints each text and appends it to instance/sms-outbox.jsonl."""

    name = "console"

    def __init__(self, outbox_file, stream=None):
        self.outbox_file = Path(outbox_file)
        self.stream = stream

    def send(self, message):
        record = {
            "to": message.to, "body": message.body, "kind": message.kind,
            "language": message.language, "segments": message.segments,
            "encoding": message.encoding, "session_id": message.session_id,
            "created_at": utcnow().isoformat(), "id": message.id,
        }
        stream = self.stream or sys.stdout
        print(f"[SMS to {message.to} | {message.kind} | {message.language} | "
              f"{message.segments} segment(s) {message.encoding}]\n{message.body}\n",
              file=stream, flush=True)
        self.outbox_file.parent.mkdir(parents=True, exist_ok=True)
        with self.outbox_file.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(record, ensure_ascii=False) + "\n")
        return f"console-{message.id}"


class RecordingBackend:
    """Keeps every text in a list, for tests to read."""

    name = "recording"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append({"to": message.to, "body": message.body, "kind": message.kind,
                          "language": message.language, "session_id": message.session_id})
        return f"recorded-{message.id}"
