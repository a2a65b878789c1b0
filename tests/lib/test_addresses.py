"""The client's address behind reverse proxies: only what trusted proxies wrote is believed."""

from ipaddress import IPv4Address, ip_address, ip_network

from hypothesis import given
from hypothesis import strategies as st

from hypercare.lib.addresses import client_address, is_listed

PROXIES = (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))
public = st.ip_addresses(v=4).filter(lambda a: not a.is_private).map(str)
proxy = st.integers(min_value=1, max_value=2**24 - 2).map(
    lambda n: str(IPv4Address(int(IPv4Address("10.0.0.0")) + n))
)
forged = st.lists(st.one_of(public, st.text(max_size=12).filter(lambda t: "," not in t)))


def test_a_direct_client_is_its_connecting_address_whatever_it_claims() -> None:
    assert client_address("203.0.113.9", "198.51.100.1", PROXIES) == "203.0.113.9"


def test_behind_two_proxies_the_client_is_the_first_untrusted_entry_from_the_right() -> None:
    chain = "198.51.100.1, 203.0.113.9, 10.1.2.3"
    assert client_address("10.0.0.2", chain, PROXIES) == "203.0.113.9"


def test_a_malformed_entry_stops_at_the_proxy_that_appended_it() -> None:
    assert client_address("10.0.0.2", "203.0.113.9, junk, 10.1.2.3", PROXIES) == "10.1.2.3"


def test_a_proxy_without_forwarded_for_is_the_client() -> None:
    assert client_address("10.0.0.2", "", PROXIES) == "10.0.0.2"


@given(client=public, spoofed=forged, hops=st.lists(proxy, max_size=3), remote=proxy)
def test_whatever_a_client_writes_before_its_address_changes_nothing(
    client: str, spoofed: list[str], hops: list[str], remote: str
) -> None:
    honest = ", ".join([client, *hops])
    tampered = ", ".join([*spoofed, client, *hops])
    assert client_address(remote, tampered, PROXIES) == client
    assert client_address(remote, honest, PROXIES) == client


@given(text=st.text(max_size=40).filter(lambda t: not _is_address(t)))
def test_something_that_is_not_an_address_is_in_no_list(text: str) -> None:
    assert not is_listed(text, (ip_network("0.0.0.0/0"), ip_network("::/0")))


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
