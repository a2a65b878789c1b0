import io

import pytest
from django.test import Client

from hypercare.accounts.models import User
from hypercare.orgs.models import Team
from hypercare.tickets.models import Ticket
from tests import factories
from tests.api.contract import ContractClient

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def png_file(name: str = "screen.png") -> io.BytesIO:
    upload = io.BytesIO(PNG)
    upload.name = name
    return upload


def signed_in(user: User) -> Client:
    client = ContractClient()
    client.force_login(user)
    return client


@pytest.fixture
def requester_client(requester: User) -> Client:
    return signed_in(requester)


@pytest.fixture
def agent_client(agent: User) -> Client:
    return signed_in(agent)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return signed_in(outsider)


@pytest.fixture
def service_desk(agent: User) -> Team:
    team = factories.team("Service desk")
    team.members.add(agent)
    return team


@pytest.fixture
def ticket(requester: User) -> Ticket:
    return factories.ticket(requester)
