"""The client's network address: the one function every log, lockout and session uses.

``X-Forwarded-For`` is written by whoever sent the request, so it is believed only as far
as it was appended by proxies listed in ``settings.TRUSTED_PROXIES`` (addresses or
networks, e.g. ``127.0.0.1, ::1, 10.0.0.0/8``). Walking from the direct peer leftwards,
every trusted hop is skipped; the first address that is not a trusted proxy is the client.
Anything further left was written by that client and is ignored. With no trusted proxies,
the direct peer (``REMOTE_ADDR``) is the client.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_proxy_networks() -> tuple:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_address(value: str) -> Address | None:
    """An address from a header entry: ``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``, ``::1``."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted_proxy(address: Address) -> bool:
    return any(address in network for network in trusted_proxy_networks())


def client_address(request) -> str | None:
    """The client's address as text (None without a request or a usable peer address)."""
    if request is None:
        return None
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    while is_trusted_proxy(client) and hops:
        hop = parse_address(hops.pop())
        if hop is None:  # garbage handed on by a trusted proxy: stop at that proxy
            break
        client = hop
    return str(client)
