"""Which backend sends the texts: chosen once per app from the settings, and a production app
refuses to start with no provider at all."""

from flask import current_app

from pairs_group.auth.links import absolute_url
from pairs_group.config import ConfigError
from pairs_group.sms import backends


def backend():
    """The configured backend, made once per app."""
    found = current_app.extensions.get("sms_backend")
    if found is None:
        found = make_backend(current_app.config)
        current_app.extensions["sms_backend"] = found
    return found


def backend_name(config):
    """SMS_BACKEND, or Twilio when its credentials are set, else the console."""
    name = config["SMS_BACKEND"].strip().lower()
    if name:
        return name
    if config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]:
        return "twilio"
    return "console"


def make_backend(config):
    name = backend_name(config)
    if name == "recording":
        return backends.RecordingBackend()
    if name == "console":
        return backends.ConsoleBackend(config["SMS_OUTBOX_FILE"],
                                       redact=config["PAIRS_ENV"] == "production")
    if name == "twilio":
        return backends.TwilioBackend(
            config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
            from_number=config["TWILIO_FROM_NUMBER"],
            messaging_service_sid=config["TWILIO_MESSAGING_SERVICE_SID"],
            status_callback=absolute_url("sms_webhooks.twilio_status"),
            api_base_url=config["TWILIO_API_BASE_URL"] or None,
            http_client_factory=config["TWILIO_HTTP_CLIENT_FACTORY"])
    if name == "notify":
        return backends.NotifyBackend(config["NOTIFY_API_KEY"], config["NOTIFY_TEMPLATES"],
                                      base_url=config["NOTIFY_API_BASE_URL"] or None)
    raise ValueError(f"unknown SMS_BACKEND {name!r}: use console, twilio or notify")


def require_a_provider_in_production(config):
    """Production with no provider would print texts (codes among them) and send nothing:
    refuse to start unless the console was asked for by name."""
    if config["PAIRS_ENV"] == "production" and not config["SMS_BACKEND"].strip() \
            and backend_name(config) == "console":
        raise ConfigError(
            "No SMS provider is configured. In production set SMS_BACKEND=twilio (with "
            "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and a number or Messaging Service) or "
            "SMS_BACKEND=notify (with NOTIFY_API_KEY); or SMS_BACKEND=console to send nothing "
            "on purpose. See README.md, Texts (SMS).")
