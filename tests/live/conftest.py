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


@pytest.fixture
def configured(tmp_path):
    """configured(**config) -> (info, connect): an app with extra settings, its IGF workshop
    (describe() with moderator token) and a function connecting socket clients to it."""
    from conftest import make_app
    from facilitator.extensions import db, socketio
    from facilitator.live import NAMESPACE
    from facilitator.workshops.services import create_workshop, describe

    clients = []

    def factory(**config):
        app = make_app(tmp_path, **config)
        with app.app_context():
            workshop, token = create_workshop("Configured", template="igf-ai-copyright")
            db.session.commit()
            info = describe(workshop, token)

        def connect(auth):
            client = socketio.test_client(app, namespace=NAMESPACE, auth=auth,
                                          flask_test_client=app.test_client())
            clients.append(client)
            return client

        return info, connect

    yield factory
    for client in clients:
        if client.is_connected("/live"):
            client.disconnect("/live")
