"""Share links that need no third-party script: plain URLs to each service's share page.

Each link's page URL carries `?src=share-<service>`; the donate script copies
that into the donation's `source`, so the dashboard's "by source" split counts
what each way of sharing brought. No SDK, no tracking pixel, nothing loaded
from the services until the donor taps one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

# The query parameter the donate script reads (static/js/donate.js: sourceFromUrl).
SOURCE_PARAM = "src"
# Service id, the label shown (a brand name: the same in every language).
SERVICES: tuple[tuple[str, str], ...] = (
    ("whatsapp", "WhatsApp"),
    ("telegram", "Telegram"),
    ("vk", "VK"),
    ("x", "X"),
    ("facebook", "Facebook"),
    ("email", "Email"),
)


@dataclass(frozen=True, slots=True)
class ShareLink:
    """One way to share: `href` opens the service with the tagged page URL in it."""

    service: str
    label: str
    href: str
    page_url: str


def tagged(url: str, service: str) -> str:
    """`url` with `src=share-<service>` set (replacing any `src` it had)."""
    parts = urlsplit(url)
    query = [p for p in parts.query.split("&") if p and not p.startswith(SOURCE_PARAM + "=")]
    query.append(urlencode({SOURCE_PARAM: f"share-{service}"}))
    return urlunsplit(parts._replace(query="&".join(query)))


def _href(service: str, page: str, text: str) -> str:
    with_text = f"{text} {page}" if text else page
    if service == "whatsapp":
        return "https://wa.me/?" + urlencode({"text": with_text})
    if service == "telegram":
        return "https://t.me/share/url?" + urlencode({"url": page, "text": text})
    if service == "vk":
        return "https://vk.com/share.php?" + urlencode({"url": page, "title": text})
    if service == "x":
        return "https://x.com/intent/tweet?" + urlencode({"url": page, "text": text})
    if service == "facebook":
        return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": page})
    if service == "email":
        # mailto wants %20, not +, for spaces (RFC 6068).
        return "mailto:?" + urlencode({"subject": text, "body": with_text}, quote_via=quote)
    raise ValueError(f"unknown share service {service!r}")


def share_links(url: str, text: str) -> list[ShareLink]:
    """The share links for the page at absolute `url`, with `text` as the message.

    Every link's page URL is tagged with its own source, so a donation made
    after following it is attributed to that service.
    """
    return [
        ShareLink(service, label, _href(service, tagged(url, service), text), tagged(url, service))
        for service, label in SERVICES
    ]


def copy_url(url: str) -> str:
    """The URL the copy-link box and the phone's share sheet offer (`share-copy`, `share-native`)."""
    return tagged(url, "copy")


def native_url(url: str) -> str:
    """The URL given to the Web Share API (the phone's own share sheet)."""
    return tagged(url, "native")
