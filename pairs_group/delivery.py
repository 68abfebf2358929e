"""How responses travel: compressed (brotli or gzip), static files cached for a year."""

import gzip
from functools import lru_cache
from pathlib import Path

import brotli
from flask import current_app, request
from flask_compress import Compress

compress = Compress()
ONE_YEAR = 365 * 24 * 3600
STATIC_TYPES = {"text/css", "text/javascript", "application/javascript", "image/svg+xml",
                "application/json", "application/manifest+json"}


@lru_cache(maxsize=64)
def _compressed(path, mtime, encoding):
    """A static file compressed once and kept (brotli 9: almost as small as 11, far faster)."""
    data = Path(path).read_bytes()
    if encoding == "br":
        return brotli.compress(data, quality=9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def _best_encoding():
    accepted = request.accept_encodings
    return next((name for name in ("br", "gzip") if accepted[name]), None)


def compress_static_file(response):
    """Static files leave pre-compressed; page responses are left to Flask-Compress."""
    encoding = _best_encoding()
    if response.status_code != 200 or response.mimetype not in STATIC_TYPES or not encoding:
        return response
    path = Path(current_app.static_folder) / (request.view_args or {}).get("filename", "")
    try:
        body = _compressed(str(path), path.stat().st_mtime, encoding)
    except OSError:
        return response
    if hasattr(response.response, "close"):
        response.response.close()  # the file send_file opened: we send the compressed copy
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


def cache_fingerprinted_files(response):
    """static_url() adds ?v=<content hash>: a new file gets a new address, so the old one
    can be kept for a year without asking again (repeat visits cost almost nothing)."""
    if request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def prepare_static_response(response):
    if request.endpoint == "static":
        response = cache_fingerprinted_files(compress_static_file(response))
    return response


def init_app(app):
    """Flask-Compress with the algorithms and levels in pairs_group/config.py."""
    compress.init_app(app)
    # Registered after Flask-Compress, so it runs before it (Flask runs them last-in first).
    app.after_request(prepare_static_response)
