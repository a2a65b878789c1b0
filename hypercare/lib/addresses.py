"""Which address a request came from when reverse proxies stand in between."""

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import TypeAlias

Networks: TypeAlias = Sequence[IPv4Network | IPv6Network]


def is_listed(address: str, networks: Networks) -> bool:
    """Whether ``address`` falls in one of ``networks``; something that is not an address
    (a server bound to a Unix socket gives none) is in no list."""
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(remote: str, forwarded_for: str, trusted: Networks) -> str:
    """The client's address: the connecting one, unless that is a trusted proxy.

    Behind trusted proxies the client is the right-most ``X-Forwarded-For`` entry that is
    not itself a trusted proxy. Entries further left were written by whoever sent the
    request, so they are never believed: a client cannot pick the address its sign-in
    failures are counted under. A malformed entry ends the walk at the proxy that
    appended it; a chain of nothing but trusted proxies answers its left-most one.
    """
    if not is_listed(remote, trusted):
        return remote
    client = remote
    for entry in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        parsed = _parse(entry)
        if parsed is None:
            break
        client = str(parsed)
        if not any(parsed in network for network in trusted):
            break
    return client


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value)
    except ValueError:
        return None
