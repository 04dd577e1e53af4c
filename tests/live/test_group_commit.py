"""Group commit: writes arriving together share one transaction; a refused one spoils nothing,
and nobody hears of a write before the commit that stores it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from facilitator import group_commit
from facilitator.errors import Invalid
from facilitator.extensions import db
from facilitator.live.outbox import announce
from facilitator.participation.models import Participant, Reaction, Vote

from .helpers import emit, wait_for
from .test_votes import opt


def at_once(calls):
    """Run each call in its own thread, all released together; return their results in order."""
    results = [None] * len(calls)
    go = threading.Barrier(len(calls))

    def worker(i, call):
        go.wait()
        results[i] = call()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def gathering(configured):
    """A workshop whose writer waits 0.4 s for writes to gather, its q1 open, a moderator and
    `join()` for participants."""
    info, connect = configured(GROUP_COMMIT_WINDOW=0.4)
    moderator = connect({"workshop": info["code"], "moderator_token": info["moderator_token"]})
    q1 = info["prompts"][0]
    assert emit(moderator, "open_prompt", {"prompt_id": q1["id"]}) == {"ok": True}
    moderator.get_received("/live")

    def join():
        client = connect({"workshop": info["code"]})
        assert emit(client, "join", {"attendance": "online"})["ok"]
        client.get_received("/live")
        return client

    return info, moderator, q1, join


def committer_of(client):
    return client.app.extensions["facilitator.group_commit"]


def test_votes_together_share_one_commit_and_a_refused_one_spoils_nothing(gathering):
    info, moderator, q1, join = gathering
    voters = [join() for _ in range(4)]
    committer = committer_of(moderator)
    batches_before = committer.batches
    payloads = [{"prompt_id": q1["id"], "option_ids": [opt(q1, i % 3)]} for i in range(3)]
    payloads.append({"prompt_id": q1["id"], "option_ids": [opt(q1, 0), opt(q1, 1)]})  # single choice: refused
    acks = at_once([lambda c=c, p=p: emit(c, "cast_vote", p) for c, p in zip(voters, payloads)])
    assert acks[:3] == [{"ok": True}] * 3
    assert acks[3]["ok"] is False and acks[3]["error"]["code"] == "invalid"
    assert committer.batches == batches_before + 1  # the four arrived within the window: one commit
    assert committer.reruns == 0  # refused before writing: the others were not run again
    results, _ = wait_for(moderator, "results", lambda r: r["votes_total"] == 3)
    assert [o["count"] for o in results["options"]] == [1, 1, 1, 0]
    with moderator.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 3


def test_joins_and_reactions_together(gathering):
    info, moderator, q1, join = gathering
    author = join()
    ack = emit(author, "submit_position", {"prompt_id": q1["id"], "text": "Only human authors.",
                                           "client_id": "p-1"})
    assert ack["ok"] and ack["status"] == "visible" and ack["position"]["text"] == "Only human authors."
    position_id = ack["position_id"]
    reactors = [join() for _ in range(3)]
    committer = committer_of(moderator)
    before = committer.batches
    calls = [lambda c=c, v=v: emit(c, "react", {"position_id": position_id, "value": v})
             for c, v in zip(reactors, ["agree", "disagree", "agree"])]
    calls.append(lambda: emit(author, "react", {"position_id": position_id, "value": "agree"}))  # own: refused
    acks = at_once(calls)
    assert acks[:3] == [{"ok": True}] * 3
    assert acks[3]["error"]["code"] == "invalid"
    assert committer.batches == before + 1
    changed, _ = wait_for(moderator, "position_changed", lambda p: p["agree"] == 2)
    assert (changed["id"], changed["disagree"], changed["pass"]) == (position_id, 1, 0)
    with moderator.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reaction)) == 3
        joined = db.session.scalar(select(func.count()).select_from(Participant))
    assert joined == 4


def test_nothing_is_announced_before_the_batch_commits(app, ctx):
    """A job's announcements run after the whole batch's commit; a job refused after it wrote
    is rolled back with its announcements, the others' are kept and stored."""
    committer = app.extensions["facilitator.group_commit"]
    committer.window = 0.3
    heard = []
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql://", "postgresql+psycopg://", 1))

    def stored_elsewhere(name):
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM participants WHERE display_name = :n"),
                                {"n": name}).scalar()

    def add(name, refuse=False):
        db.session.add(Participant(workshop_id=workshop_id, token_hash=name, attendance="online",
                                   display_name=name))
        db.session.flush()
        announce(lambda: heard.append((name, stored_elsewhere(name))))
        if refuse:
            raise Invalid("refused")
        return name

    from facilitator.workshops.services import create_workshop

    workshop, _ = create_workshop("Batch", template="igf-ai-copyright")
    db.session.commit()
    workshop_id = workshop.id

    def submit(name, refuse=False):
        def call():
            with app.app_context():
                try:
                    return group_commit.run(add, name, refuse)
                except Invalid as exc:
                    return exc.code
        return call

    results = at_once([submit("ana"), submit("bo", refuse=True), submit("chen")])
    engine.dispose()
    assert results == ["ana", "invalid", "chen"]
    assert committer.reruns == 1  # "bo" was refused after it wrote: rolled back, the others again
    assert sorted(heard) == [("ana", 1), ("chen", 1)]  # each announcement saw its write stored
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


def test_a_failing_commit_acknowledges_and_stores_nothing(app, ctx, monkeypatch):
    from facilitator.workshops.services import create_workshop

    workshop, _ = create_workshop("Batch", template="igf-ai-copyright")
    db.session.commit()
    workshop_id = workshop.id
    committer = app.extensions["facilitator.group_commit"]
    heard = []

    def add():
        db.session.add(Participant(workshop_id=workshop_id, token_hash="t", attendance="online"))
        db.session.flush()
        announce(lambda: heard.append(1))

    def broken_commit(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(db.session()), "commit", broken_commit)
    with pytest.raises(RuntimeError):
        group_commit.run(add)
    monkeypatch.undo()
    assert heard == []
    assert committer.batches == 0
    db.session.rollback()
    # Nothing reached the database either (on SQLite a savepoint outside BEGIN would have).
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
