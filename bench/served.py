"""The app as the benchmark (and the scale-out test) serves it under gunicorn
(`bench.served:app`): settings come from BENCH_* environment variables, so nothing in
instance/ is read or changed."""

import os

from pairs_group import create_app
from pairs_group.serving import settle_for_serving


def settings(environ):
    found = {
        "DATABASE_URL": environ["BENCH_DATABASE_URL"], "SECRET_KEY": environ["BENCH_SECRET_KEY"],
        "REDIS_URL": environ.get("BENCH_REDIS_URL", ""),
        "SMS_BACKEND": environ.get("BENCH_SMS_BACKEND", "recording"), "SMS_QUIET_HOURS": "",
        # One address sends every request: limits per address would only measure the 429 page.
        "RATELIMIT_ENABLED": environ.get("BENCH_RATELIMIT", "") == "1",
    }
    optional = {"BENCH_OUTBOX": "SMS_OUTBOX_FILE", "BENCH_RATELIMIT_PREFIX": "RATELIMIT_KEY_PREFIX",
                "BENCH_SIGN_IN_LIMIT": "STAFF_SIGN_IN_LIMIT_PER_ADDRESS",
                "BENCH_TWILIO_API_BASE_URL": "TWILIO_API_BASE_URL"}
    found.update({key: environ[name] for name, key in optional.items() if name in environ})
    if "BENCH_TWILIO_API_BASE_URL" in environ:  # a fake Twilio on 127.0.0.1 (bench/sign_in.py)
        found.update(TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_FROM_NUMBER="+447700900000",
                     TWILIO_AUTH_TOKEN="fake",  # noqa: S106 - the fake asks for nothing
                     PUBLIC_BASE_URL="http://127.0.0.1")
    if "BENCH_SIGN_IN_SECONDS" in environ:
        found["ACCOUNT_SIGN_IN_SECONDS"] = float(environ["BENCH_SIGN_IN_SECONDS"])
    return found


app = create_app(settings(os.environ))
settle_for_serving()  # as wsgi.py
