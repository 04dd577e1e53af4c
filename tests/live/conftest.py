"""Fixtures for protocol tests: a moderator and participants on one workshop."""

import pytest

from .helpers import emit


@pytest.fixture
def moderator(live, workshop):
    client = live({"workshop": workshop["code"], "moderator_token": workshop["moderator_token"]})
    client.get_received("/live")
    return client


@pytest.fixture
def join(live, workshop):
    """join(attendance="onsite", **fields) -> (client, ack) of a newly joined participant."""

    def factory(attendance="onsite", **fields):
        client = live({"workshop": workshop["code"]})
        ack = emit(client, "join", {"attendance": attendance, **fields})
        assert ack["ok"], ack
        client.get_received("/live")
        return client, ack

    return factory


@pytest.fixture
def q1(workshop):
    return workshop["prompts"][0]


@pytest.fixture
def q2(workshop):
    return workshop["prompts"][1]
