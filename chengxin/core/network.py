"""The client's network address, as the rate limits, the lockout and the audit log see it.

By default the address is the peer of the connection (``REMOTE_ADDR``); the ``X-Forwarded-For``
header is trusted only when ``CHENGXIN_TRUSTED_PROXY_COUNT`` says how many reverse proxies of the
deployment stand in front of the application (docs/deployment.md). Each proxy appends the address
it received the request from, so with N trusted proxies the client is the N-th address from the
right; anything further left was written by the client and could be anything.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client usually holds a whole /64 network: counting per address would give it 2^64
# fresh budgets, so rate limits count per /64 (the same default as django-ratelimit).
IPV6_LIMIT_PREFIX = 64
UNKNOWN_ADDRESS = "unknown"


def client_address(request: HttpRequest) -> str:
    """The client's address in its canonical form, or ``""`` when none can be told."""
    proxies = int(getattr(settings, "CHENGXIN_TRUSTED_PROXY_COUNT", 0) or 0)
    candidate = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
    return _canonical(candidate)


def client_limit_key(request: HttpRequest) -> str:
    """The key rate limits count the client under: its address, or its /64 network for IPv6."""
    address = client_address(request)
    if not address:
        return UNKNOWN_ADDRESS
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return ipaddress.ip_network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False).compressed
    return address


def _canonical(address: str) -> str:
    try:
        return ipaddress.ip_address(address).compressed
    except ValueError:
        return ""
