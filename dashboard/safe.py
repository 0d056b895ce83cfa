"""Escaping for untrusted article text wherever the dashboard builds HTML, Markdown or URLs.

News text is attacker-controlled. `html.escape` alone is not enough where folium or Leaflet put a
string inside a JavaScript template literal: `${...}`, backticks and backslashes must be neutral too.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlparse

_JS_TEMPLATE_ENTITIES = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_html(value: object) -> str:
    """Text safe as HTML content or attribute value, also inside a JS template literal."""
    text = html.escape("" if value is None else str(value), quote=True)
    return "".join(_JS_TEMPLATE_ENTITIES.get(ch, ch) for ch in text)


def escape_markdown(value: object) -> str:
    """Text that Streamlit's Markdown shows literally (no links, HTML, LaTeX or emphasis)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if value is None else str(value))


def safe_url(value: object) -> str:
    """The URL when it is plain http(s), else "" (no javascript:, data: or relative tricks)."""
    text = "" if value is None else str(value).strip()
    parsed = urlparse(text)
    return text if parsed.scheme in ("http", "https") and parsed.netloc else ""


def css_token(value: object) -> str:
    """A class-name-safe token derived from an id (used to find map features in tests and CSS)."""
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")
