"""Motion bodies are Markdown, shown as HTML. Two locks: markdown-it-py with raw HTML turned
off, then nh3 (the ammonia sanitizer) keeping only a short list of tags, attributes and URL
schemes, so a body can never carry a script, a style or a javascript: link into the archive."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"])


@lru_cache(maxsize=512)
def _render(source: str) -> str:
    html = _parser.render(source)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow")


def render(source: str) -> Markup:
    """Safe HTML for a Markdown body."""
    return Markup(_render(source or ""))  # noqa: S704 - sanitized by nh3 just above


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t]+")


def plain_text(source: str) -> str:
    """The words of a Markdown body without its markup: for search, snippets and feeds."""
    cleaned = nh3.clean(_parser.render(source or ""), tags={"p", "li", "br"}, attributes={})
    text = html.unescape(_TAG.sub("\n", cleaned))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
