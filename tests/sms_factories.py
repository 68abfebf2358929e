"""Test helpers for texts: a fake HTTP client for the real twilio library that checks every
request against Twilio's OpenAPI description, and signed webhook requests."""

import json
import re
import threading
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
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
MESSAGE_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
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


def message_resource(data, sid, status="queued", error_code=None, sent_at=None):
    """A Message resource as Twilio returns it (its "date sent" is now unless given)."""
    sent = format_datetime(sent_at or datetime.now(UTC), usegmt=True)
    return {"sid": sid, "account_sid": ACCOUNT_SID, "to": data["To"], "body": data["Body"],
            "from": data.get("From"), "messaging_service_sid": data.get("MessagingServiceSid"),
            "status": status, "num_segments": "1", "direction": "outbound-api",
            "error_code": error_code, "api_version": "2010-04-01", "date_created": sent,
            "date_sent": sent, "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"}


def iso_moment(value):
    """A date-time as the spec means it (RFC 3339: a zone, Z or an offset), or None."""
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def nullable(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (null is one of the types)."""
    if isinstance(node, list):
        return [nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    found = {key: nullable(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        found["type"] = [node["type"], "null"]
    elif node.get("nullable") and "$ref" in node:
        found = {"anyOf": [{"$ref": node["$ref"]}, {"type": "null"}]}
    return found


@lru_cache(maxsize=1)
def look_up_operations():
    """The spec's GET Messages.json (list) and GET Messages/{Sid}.json (fetch), and a
    validator for the Message resource we answer with."""
    spec = twilio_spec()
    checker = jsonschema.FormatChecker()
    checker.checks("phone-number")(lambda value: bool(E164.match(value)))
    checker.checks("date-time")(lambda value: iso_moment(value) is not None)
    resource = dict(nullable(spec["components"]["schemas"]["api.v2010.account.message"]),
                    components=nullable(spec["components"]))
    return ({"list": spec["paths"][MESSAGES_PATH]["get"],
             "fetch": spec["paths"][MESSAGE_PATH]["get"]}, checker,
            jsonschema.Draft202012Validator(resource, format_checker=checker))


def check_look_up_against_spec(method, url, params, base_url=None):
    """Fail unless this is a valid List Messages or Fetch Message request by Twilio's own
    description (path, every parameter's schema, no parameter it does not name); returns
    ("list", None) or ("fetch", sid)."""
    operations, checker, _resource = look_up_operations()
    parts = urlsplit(url)
    assert method == "GET"
    assert f"{parts.scheme}://{parts.netloc}" == (base_url or twilio_spec()["servers"][0]["url"])
    match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages(?:/([^/]+))?\.json", parts.path)
    assert match, parts.path
    name = "fetch" if match.group(2) else "list"
    given = {"AccountSid": match.group(1), "Sid": match.group(2), **params}
    named = {parameter["name"] for parameter in operations[name]["parameters"]}
    assert not set(params) - named, f"not in the spec: {set(params) - named}"
    for parameter in operations[name]["parameters"]:
        value = given.get(parameter["name"])
        if value is None:
            assert parameter["in"] != "path", parameter["name"]
            continue
        schema = parameter["schema"]
        value = int(value) if schema["type"] == "integer" else value
        jsonschema.validate(value, schema, format_checker=checker)
    return name, match.group(2)


class FakeTwilioHttp(HttpClient):
    """Stands in for Twilio's HTTP client: checks each request, answers like Twilio.

    `answers` is a list of (status, body dict) or exceptions to use, first one first; after
    that every request succeeds."""

    requests = []  # shared by every instance (one client per sending thread)
    answers = []
    lock = threading.Lock()
    base_url = None
    sent = {}  # sid -> the Message resource Twilio keeps: what a fetch or a list answers from
    look_ups = []  # ("list" or "fetch", query parameters) of each GET

    def __init__(self):
        super().__init__(logger=None, is_async=False, timeout=5)

    @classmethod
    def reset(cls, base_url=None):
        cls.requests, cls.answers, cls.base_url = [], [], base_url
        cls.sent, cls.look_ups = {}, []

    @classmethod
    def keep(cls, resource):
        """A text Twilio has (sent by us, or one a test says it sent)."""
        cls.sent[resource["sid"]] = resource
        return resource

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        assert auth == (ACCOUNT_SID, AUTH_TOKEN)
        if method == "GET":
            return self.look_up(uri, {key: str(value) for key, value in (params or {}).items()})
        form = {key: str(value) for key, value in (data or {}).items()}
        check_against_spec(method, uri, form, self.base_url)
        with self.lock:
            self.requests.append(form)
            answer = self.answers.pop(0) if self.answers else None
            number = len(self.requests)
        if isinstance(answer, Exception):
            raise answer
        if answer is not None:
            return Response(answer[0], json.dumps(answer[1]))
        return Response(201, json.dumps(self.keep(message_resource(form, f"SM{number:032x}"))))

    def look_up(self, uri, params):
        """Answer a fetch by sid or a list (To, DateSent>) from the texts kept, newest first;
        every resource is checked against the spec's Message schema."""
        name, sid = check_look_up_against_spec("GET", uri, params, self.base_url)
        with self.lock:
            self.look_ups.append((name, params))
            answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        if answer is not None:
            return Response(answer[0], json.dumps(answer[1]))
        if name == "fetch":
            found = self.sent.get(sid)
            return Response(200, json.dumps(checked_resource(found))) if found else Response(
                404, json.dumps(twilio_error(404, 20404)[1]))
        return Response(200, json.dumps(message_page(uri, listed(self.sent.values(), params))))


def checked_resource(resource):
    errors = sorted(look_up_operations()[2].iter_errors(resource), key=str)
    assert not errors, [error.message for error in errors]
    return resource


def listed(resources, params):
    """The texts a list with these filters returns, newest first."""
    since = iso_moment(params["DateSent>"]) if "DateSent>" in params else None
    found = [r for r in resources if r["to"] == params.get("To", r["to"])
             and (since is None or parsedate_to_datetime(r["date_sent"]) >= since)]
    found.sort(key=lambda r: parsedate_to_datetime(r["date_sent"]), reverse=True)
    return [checked_resource(r) for r in found[:int(params.get("PageSize", 50))]]


def message_page(uri, messages):
    path = urlsplit(uri).path
    return {"messages": messages, "end": max(len(messages) - 1, 0), "page": 0,
            "page_size": 50, "start": 0, "first_page_uri": path, "next_page_uri": None,
            "previous_page_uri": None, "uri": path}


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
