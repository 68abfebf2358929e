"""Test helpers for texts: a fake HTTP client for the real twilio library that checks every
request against Twilio's OpenAPI description, and signed webhook requests."""

import json
import re
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jsonschema
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

SPEC_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "twilio" / \
    "twilio_api_v2010.json"
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
SERVICE_SID = "MG" + "fedcba9876543210" * 2
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@lru_cache(maxsize=1)
def twilio_spec():
    """Twilio's OpenAPI description (1.9 MB): read once per test run."""
    path = SPEC_PATH if SPEC_PATH.exists() else Path("/work/shared/twilio/twilio_api_v2010.json")
    return json.loads(path.read_text())


@lru_cache(maxsize=1)
def create_message_operation():
    """The spec's POST Messages.json: path pattern, form schema and its validator."""
    spec = twilio_spec()
    operation = spec["paths"][MESSAGES_PATH]["post"]
    sid_pattern = operation["parameters"][0]["schema"]["pattern"]
    schema = dict(operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
                  ["schema"], components=spec["components"])
    checker = jsonschema.FormatChecker()
    checker.checks("phone-number")(lambda value: bool(E164.match(value)))
    checker.checks("uri")(lambda value: bool(urlsplit(value).scheme and urlsplit(value).netloc))
    validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
    return sid_pattern, validator, spec["servers"][0]["url"]


def check_against_spec(method, url, data, base_url=None):
    """Fail unless this is a valid Create Message request by Twilio's own description, plus the
    rules the spec leaves to the docs: From or MessagingServiceSid, and Body (we send no media)."""
    sid_pattern, validator, server = create_message_operation()
    parts = urlsplit(url)
    assert method == "POST"
    assert f"{parts.scheme}://{parts.netloc}" == (base_url or server)
    match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", parts.path)
    assert match and re.fullmatch(sid_pattern, match.group(1)), parts.path
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, [e.message for e in errors]
    assert data.get("From") or data.get("MessagingServiceSid"), "From or MessagingServiceSid"
    assert data.get("Body"), "Body"


def message_resource(data, sid):
    return {"sid": sid, "account_sid": ACCOUNT_SID, "to": data["To"], "body": data["Body"],
            "from": data.get("From"), "messaging_service_sid": data.get("MessagingServiceSid"),
            "status": "queued", "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "date_created": "Thu, 26 Nov 2026 10:05:00 +0000",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"}


class FakeTwilioHttp(HttpClient):
    """Stands in for Twilio's HTTP client: checks each request, answers like Twilio.

    `answers` is a list of (status, body dict) or exceptions to use, first one first; after
    that every request succeeds."""

    requests = []  # shared by every instance (one client per sending thread)
    answers = []
    lock = threading.Lock()
    base_url = None

    def __init__(self):
        super().__init__(logger=None, is_async=False, timeout=5)

    @classmethod
    def reset(cls, base_url=None):
        cls.requests, cls.answers, cls.base_url = [], [], base_url

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        form = {key: str(value) for key, value in (data or {}).items()}
        check_against_spec(method, uri, form, self.base_url)
        assert auth == (ACCOUNT_SID, AUTH_TOKEN)
        with self.lock:
            self.requests.append(form)
            answer = self.answers.pop(0) if self.answers else None
            number = len(self.requests)
        if isinstance(answer, Exception):
            raise answer
        if answer is not None:
            return Response(answer[0], json.dumps(answer[1]))
        return Response(201, json.dumps(message_resource(form, f"SM{number:032x}")))


def twilio_settings(**extra):
    return {"SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": "+447700900000",
            "TWILIO_HTTP_CLIENT_FACTORY": FakeTwilioHttp, **extra}


def twilio_error(status, code, message="error"):
    return (status, {"code": code, "message": message, "status": status,
                     "more_info": f"https://www.twilio.com/docs/errors/{code}"})


def signed_post(client, path, data, url_base="http://localhost", token=AUTH_TOKEN, **kwargs):
    """POST as Twilio would: X-Twilio-Signature over the full public URL and the form."""
    signature = RequestValidator(token).compute_signature(url_base + path, data)
    headers = {"X-Twilio-Signature": signature, **kwargs.pop("headers", {})}
    return client.post(path, data=data, headers=headers, **kwargs)


def form_of(body):
    return dict(parse_qsl(body))
