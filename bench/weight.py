"""Page weight: the bytes a phone downloads (compressed, headers included) for a first visit
(the page and every stylesheet, script, icon and image it links) and a repeat visit (the
page, plus any linked file its cache headers do not let the phone keep)."""

import http.client
import re
from urllib.parse import urlsplit

LINKED = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
HEADERS = {"Accept-Encoding": "br, gzip", "User-Agent": "pairs-bench"}


def fetch(port, path, cookie=None):
    """(bytes on the wire, status, headers, decoded-enough body) for one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=dict(HEADERS, **({"Cookie": cookie} if cookie
                                                              else {})))
    response = connection.getresponse()
    body = response.read()
    header_bytes = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
    connection.close()
    return len(body) + header_bytes, response.status, dict(response.getheaders()), body


def text_of(body, headers):
    encoding = headers.get("Content-Encoding", "")
    if encoding == "br":
        import brotli

        body = brotli.decompress(body)
    elif encoding == "gzip":
        import gzip

        body = gzip.decompress(body)
    return body.decode("utf-8", "replace")


def kept(headers):
    """True when the phone may reuse the file without asking again."""
    control = headers.get("Cache-Control", "")
    ages = re.findall(r"max-age=(\d+)", control)
    return bool(ages and int(ages[0]) > 0 and "no-store" not in control
                and "no-cache" not in control)


def visit(port, path, cookie=None):
    """{"first": bytes, "repeat": bytes, "files": [...]} for one page."""
    size, status, headers, body = fetch(port, path, cookie)
    files = []
    for link in dict.fromkeys(LINKED.findall(text_of(body, headers))):
        parts = urlsplit(link)
        if parts.netloc or not link.startswith("/"):
            continue
        file_size, file_status, file_headers, _ = fetch(port, link)
        files.append({"path": link, "bytes": file_size, "status": file_status,
                      "cached": kept(file_headers),
                      "encoding": file_headers.get("Content-Encoding", "")})
    first = size + sum(f["bytes"] for f in files)
    repeat = size + sum(f["bytes"] for f in files if not f["cached"])
    return {"status": status, "page_bytes": size, "first": first, "repeat": repeat,
            "files": files}
