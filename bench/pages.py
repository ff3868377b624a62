"""The delegate's voting page as a phone loads it: the HTML and everything it references."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from bench.loadgen import Call, HttpClient

SESSION_COOKIE = "asamblea_session"  # ASAMBLEA_SECURE_COOKIES=0: no __Host- prefix


class _Resources(HTMLParser):
    """Stylesheets, scripts, images and icons a browser would fetch for the page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and {"stylesheet", "icon", "preload", "manifest"} & set(
                values.get("rel", "").lower().split()):
            self.urls.append(values.get("href", ""))
        elif tag in ("script", "img", "source", "iframe") and values.get("src"):
            self.urls.append(values["src"])


@dataclass
class Fetched:
    path: str
    status: int
    body_bytes: int
    header_bytes: int
    gzip_bytes: int  # what it would take compressed (the server does not compress)
    content_encoding: str


def page_call(path: str, token: str) -> Call:
    return Call("GET", path, (("Cookie", f"{SESSION_COOKIE}={token}"),
                              ("Accept-Encoding", "gzip")))


def form_call(path: str, fields: dict[str, str], token: str) -> Call:
    """A form posted by a browser without JavaScript, with the session cookie."""
    body = urlencode(fields).encode()
    return Call("POST", path, (("Cookie", f"{SESSION_COOKIE}={token}"),
                               ("Content-Type", "application/x-www-form-urlencoded")), body)


async def fetch_with_resources(client: HttpClient, path: str, token: str) -> list[Fetched]:
    """The page, then each distinct resource it references on the same host."""
    fetched = []
    reply = await client.request(page_call(path, token))
    parser = _Resources()
    parser.feed(reply.body.decode("utf-8", errors="replace"))
    fetched.append(_record(path, reply))
    seen = set()
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in (f"{client.host}:{client.port}",):
            continue  # another host: none expected (no CDNs)
        resource = parts.path + (f"?{parts.query}" if parts.query else "")
        if resource in seen or not resource:
            continue
        seen.add(resource)
        fetched.append(_record(resource, await client.request(page_call(resource, token))))
    return fetched


def _record(path: str, reply: object) -> Fetched:
    status = getattr(reply, "status", 0)
    headers: dict[str, str] = getattr(reply, "headers", {})
    body: bytes = getattr(reply, "body", b"")
    encoding = headers.get("content-encoding", "")
    plain = gzip.decompress(body) if encoding == "gzip" else body
    header_bytes = sum(len(k) + len(v) + 4 for k, v in headers.items()) + 17
    return Fetched(path, status, len(body), header_bytes, len(gzip.compress(plain, 6)), encoding)
