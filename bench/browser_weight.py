"""Page weight as a phone's browser sees it: Chromium (Playwright) loads the page, then loads
it again in the same tab; bytes on the wire are summed from the network events (encoded body
plus headers). Requests served from the browser's cache are counted as zero."""

from playwright.sync_api import sync_playwright

from tests.resources import CHROMIUM, CHROMIUM_ARGS

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}


def visit(base, path, cookie=None):
    """{"first": bytes, "repeat": bytes, "files": [...]} for one page, first and second load."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE)
        if cookie:
            name, value = cookie.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen = []
        cdp.on("Network.loadingFinished", lambda e: seen.append(e["encodedDataLength"]))
        urls = []
        cdp.on("Network.responseReceived", lambda e: urls.append(
            (e["response"]["url"], e["response"].get("fromDiskCache", False))))
        page.goto(base + path, wait_until="load")
        page.wait_for_timeout(300)
        first, first_urls = sum(seen), list(urls)
        seen.clear()
        urls.clear()
        page.goto(base + path, wait_until="load")
        page.wait_for_timeout(300)
        repeat = sum(seen)
        browser.close()
    return {"first": first, "repeat": repeat,
            "files": [u.replace(base, "") for u, _cached in first_urls],
            "repeat_files": [u.replace(base, "") for u, cached in urls if not cached]}
