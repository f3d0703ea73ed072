"""The SSRF guard: a URL from a feed must not make us talk to our own network, nor to a port
the deployment does not fetch from (SSH, SMTP, Redis on a public host: ``allowed_ports``).

Every host is resolved and every address it resolves to is checked; one bad address is enough
to refuse (an attacker controls which of several records we would use). The check runs where
the connection is made (the fetcher's ``GuardedResolver``), so a DNS answer that changes
between check and connect (rebinding) cannot slip through: we connect to the very address we
checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from newswatch.core.errors import BlockedAddressError, BlockedPortError, DNSError
from newswatch.core.ports import PortRanges, format_port_ranges, port_allowed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def blocked_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched from, or None if it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            inner = blocked_reason(address.ipv4_mapped)
            return f"IPv4-mapped {inner}" if inner else None
        if address.sixtofour is not None:
            inner = blocked_reason(address.sixtofour)
            return f"6to4-embedded {inner}" if inner else None
        if address in _NAT64:
            inner = blocked_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
            return f"NAT64-embedded {inner}" if inner else None
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return "carrier-grade NAT"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "non-global"
    return None


def check_port(url: str, port: int, allowed: PortRanges) -> None:
    """Raise :class:`BlockedPortError` unless ``port`` is one the deployment allows."""
    if not port_allowed(allowed, port):
        raise BlockedPortError(
            f"refusing to fetch {url}: port {port} is not allowed "
            f"(allowed_ports: {format_port_ranges(allowed)})"
        )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses of ``host`` (an IP literal resolves to itself), in resolver order."""
    literal = host.strip("[]")
    try:
        return [ipaddress.ip_address(literal)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DNSError(f"cannot resolve host {host!r}: {exc}") from exc
    return _addresses(host, infos)


def resolve_sync(host: str, port: int) -> list[IPAddress]:
    """:func:`resolve` for synchronous callers (delivery), through the unguarded resolver."""
    literal = host.strip("[]")
    try:
        return [ipaddress.ip_address(literal)]
    except ValueError:
        pass
    try:
        infos = _getaddrinfo(literal, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DNSError(f"cannot resolve host {host!r}: {exc}") from exc
    return _addresses(host, infos)


_getaddrinfo = socket.getaddrinfo  # the real one, whatever guarded_resolution installs


def _addresses(host: str, infos: Iterable[Any]) -> list[IPAddress]:
    """The distinct addresses of a getaddrinfo answer, in resolver order."""
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise DNSError(f"cannot resolve host {host!r}: no addresses")
    return addresses


def check_addresses(host: str, addresses: Iterable[IPAddress]) -> None:
    """Raise :class:`BlockedAddressError` if any address of ``host`` is not public."""
    for address in addresses:
        reason = blocked_reason(address)
        if reason:
            raise BlockedAddressError(
                f"refusing to fetch from host {host!r}: it resolves to {address} ({reason} "
                "address); set allow_private_networks (NEWSWATCH_ALLOW_PRIVATE_NETWORKS=true) "
                "to fetch from the local network"
            )


async def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[IPAddress]:
    """Resolve ``host`` and refuse it unless every address is public (or private networks
    are allowed)."""
    addresses = await resolve(host, port)
    if not allow_private:
        check_addresses(host, addresses)
    return addresses
