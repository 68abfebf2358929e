"""Test helpers for GOV.UK Notify: the real notifications-python-client with its HTTP layer
replaced by a transport adapter that checks each request as Notify's API would (the client's
signed JWT, the send-a-text fields) and answers like it; and inbound-text callbacks."""

import json
import threading
import uuid

import requests
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

# The shape NotificationsAPIClient expects: a key name, then the service id and secret.
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"pairs_live-{SERVICE_ID}-{SECRET}"
BASE_URL = "https://api.notifications.service.gov.uk"
SEND_FIELDS = {"phone_number", "template_id", "personalisation", "reference", "sms_sender_id"}


def template_ids(kinds):
    """One template id (a UUID, as Notify's are) per kind of text."""
    return {kind: str(uuid.uuid5(uuid.NAMESPACE_URL, f"template:{kind}")) for kind in kinds}


class FakeNotifyHttp(requests.adapters.BaseAdapter):
    """Answers POST /v2/notifications/sms like Notify; any mistake in the request is a 400
    or 403 as Notify would give, and is kept in `problems` for the test to show."""

    def __init__(self):
        super().__init__()
        self.sent, self.problems, self.lock = [], [], threading.Lock()

    def send(self, request, **_options):
        problem = self.problem_with(request)
        with self.lock:
            if problem:
                self.problems.append(problem)
                return self.answer(request, 403 if "token" in problem else 400,
                                   {"errors": [{"error": "BadRequestError", "message": problem}]})
            data = json.loads(request.body)
            self.sent.append(data)
            return self.answer(request, 201, {
                "id": str(uuid.uuid4()), "reference": data.get("reference"),
                "content": {"body": data.get("personalisation", {}).get("body", ""),
                            "from_number": "PAIRS"},
                "template": {"id": data["template_id"], "version": 1, "uri": ""}, "uri": ""})

    def problem_with(self, request):
        if (request.method, request.path_url) != ("POST", "/v2/notifications/sms"):
            return f"unexpected {request.method} {request.path_url}"
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            if get_token_issuer(token) != SERVICE_ID or not decode_jwt_token(token, SECRET):
                return "token for another service"
        except Exception as error:
            return f"bad token: {error}"
        data = json.loads(request.body)
        if set(data) - SEND_FIELDS or not {"phone_number", "template_id"} <= set(data):
            return f"fields {sorted(data)}"
        try:
            uuid.UUID(data["template_id"])
        except (ValueError, TypeError):
            return f"template_id {data['template_id']!r} is not a UUID"
        if not isinstance(data.get("personalisation", {}), dict):
            return "personalisation is not an object"
        return None

    @staticmethod
    def answer(request, status, body):
        response = requests.Response()
        response.status_code, response.request, response.url = status, request, request.url
        response._content = json.dumps(body).encode()  # noqa: SLF001 - how requests builds one
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


def use_fake_notify(backend):
    """Route this NotifyBackend's real client through a FakeNotifyHttp; returns the fake."""
    fake = FakeNotifyHttp()
    backend.client().request_session.mount("https://", fake)
    return fake


def inbound_body(source_number, message, id=None, **extra):
    """A received-text callback as Notify posts it."""
    return {"id": id or str(uuid.uuid4()), "source_number": source_number,
            "destination_number": "07537417417", "message": message,
            "date_received": "2027-01-10T11:00:00.000000Z", **extra}
