"""Networks of addresses (pure: no Flask, no database)."""

from __future__ import annotations

import ipaddress


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network an address belongs to, as text."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
