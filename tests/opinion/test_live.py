"""The live map's parts: the chunked matrix read, the stored history, versions across processes,
the public sample of points, and the write path that only marks a prompt dirty."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, update

from facilitator.extensions import db
from facilitator.opinion import live as live_module
from facilitator.opinion.history import history_dict, history_map
from facilitator.opinion.math import analyse
from facilitator.opinion.models import OpinionMapRow
from facilitator.opinion.payloads import public_payload
from facilitator.opinion.publish import store_map
from facilitator.opinion.services import reaction_matrix, read_matrix
from facilitator.participation import services as ps
from facilitator.participation.models import Position
from facilitator.workshops.models import Prompt

from .test_analyze import stored

SEATTLE = Path(__file__).resolve().parents[1] / "data" / "polis" / "15-per-hour-seattle"


@pytest.fixture
def seattle(app, runner):
    """The Seattle conversation imported (339 participants, 54 positions, 2,872 reactions)."""
    import json

    result = runner.invoke(args=["import-polis", str(SEATTLE), "--title", "Seattle", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data["code"], data["prompts"][0]["id"]


def test_read_matrix_is_reaction_matrix_in_chunks(app, seattle, monkeypatch):
    _, prompt_id = seattle
    monkeypatch.setattr("facilitator.opinion.services.CHUNK", 500)
    pauses = []
    with app.app_context():
        db.session.execute(update(Position).where(Position.prompt_id == prompt_id, Position.id % 7 == 0)
                           .values(status="hidden"))
        db.session.execute(update(Position).where(Position.prompt_id == prompt_id, Position.id % 11 == 0)
                           .values(status="pending"))
        db.session.commit()
        whole = reaction_matrix(db.session.get(Prompt, prompt_id))
        chunked = read_matrix(prompt_id, pause=lambda: pauses.append(1))
    assert chunked.participant_ids == whole.participant_ids and chunked.position_ids == whole.position_ids
    assert chunked.hidden == whole.hidden and whole.hidden
    np.testing.assert_array_equal(chunked.votes, whole.votes)
    assert len(pauses) >= 5  # the event loop ran between chunks


def test_history_continues_the_map_exactly(app, seattle):
    _, prompt_id = seattle
    with app.app_context():
        matrix = reaction_matrix(db.session.get(Prompt, prompt_id))
    first = analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, moderated_out=matrix.hidden)
    kept = history_map(history_dict(first))
    import json

    assert json.loads(json.dumps(history_dict(first))) == history_dict(kept)
    from_memory = analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, first,
                          moderated_out=matrix.hidden).to_dict()
    from_history = analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, kept,
                           moderated_out=matrix.hidden).to_dict()
    for data in (from_memory, from_history):
        data.pop("seconds")
    assert from_history == from_memory and from_memory["groups"]


def test_two_processes_continue_one_map_with_growing_versions(app, seattle, tmp_path):
    """Two workers (two processes' worth) on one database, one of them through its analysis process:
    each continues the map the other stored, and a store over an older version changes nothing."""
    from conftest import make_app

    _, prompt_id = seattle
    other_app = make_app(tmp_path, fresh=False)  # a second app on the same database: another process
    one, two = app.extensions["facilitator.opinion"], other_app.extensions["facilitator.opinion"]
    with app.app_context():
        workshop_id = db.session.get(Prompt, prompt_id).workshop_id
        assert one.recompute(prompt_id) == 1
        first = db.session.get(OpinionMapRow, prompt_id)
        assert first.version == 1 and first.history
        ids = [g["id"] for g in first.payload["groups"]]
    two.analyser.min_cells = 0  # the other reads, analyses and stores in its analysis process
    with other_app.app_context():
        two.recompute(prompt_id)  # reads version 1 and its history, stores version 2
        assert two.analyser.calls == 1
        second = db.session.get(OpinionMapRow, prompt_id)
        assert second.version == 2 and [g["id"] for g in second.payload["groups"]] == ids
    with app.app_context():
        one.recompute(prompt_id)  # its own map is version 1: it continues from the stored version 2
        assert db.session.get(OpinionMapRow, prompt_id).version == 3
        # A store over a version that is no longer the latest changes nothing, and comes back dirty.
        assert not store_map(db.engine, prompt_id, 2, {"prompt_id": prompt_id}, None)
        assert db.session.get(OpinionMapRow, prompt_id).version == 3
    one.stop()
    two.stop()
    with other_app.app_context():
        db.engine.dispose()
    assert workshop_id


def test_public_points_are_an_even_sample():
    payload = {"prompt_id": 1, "points": [[i / 1000, 0.0, i % 2] for i in range(1000)]}
    sample = public_payload(payload, 100)
    assert len(sample["points"]) == 100 and sample["points"][0] == payload["points"][0]
    assert sample["points"][1] == payload["points"][10] and payload["points"][999][0] == 0.999
    assert public_payload(payload, 5000) is payload


def test_the_write_path_only_marks_the_prompt(app, workshop, monkeypatch):
    """react, submit_position and moderation call no analysis: after commit they mark the prompt."""
    touched = []
    calls = []
    monkeypatch.setattr(live_module.OpinionWorker, "touch",
                        lambda self, w, p=None, pos=None: touched.append((w, p, pos)))
    monkeypatch.setattr("facilitator.opinion.process.analyse", lambda *a, **k: calls.append(a))
    monkeypatch.setattr("facilitator.opinion.services.analyse", lambda *a, **k: calls.append(a))

    def build(w, prompt_id):
        a, _ = ps.join(w, "onsite")
        b, _ = ps.join(w, "online")
        position = ps.submit_position(a, prompt_id, "A position", None, "x")
        db.session.commit()
        assert touched == [(w.id, prompt_id, None)]
        ps.react(b, position.id, "agree")
        assert touched == [(w.id, prompt_id, None)]  # not before the commit
        db.session.commit()
        assert touched[-1] == (w.id, None, position.id)
        ps.react(b, position.id, "disagree")
        db.session.rollback()  # a refused or rolled back write marks nothing
        assert len(touched) == 2
        return position.id

    stored(app, workshop["code"], build)
    assert calls == []
    with app.app_context():
        assert db.session.scalar(select(OpinionMapRow.version)) is None


def test_big_maps_are_analysed_in_a_child_process(app, seattle):
    """The same map from the child process as in this one; the child is ended with the worker."""
    from facilitator.opinion.process import AnalysisProcess

    _, prompt_id = seattle
    with app.app_context():
        matrix = read_matrix(prompt_id)
    here = analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, moderated_out=matrix.hidden)
    child = AnalysisProcess(min_cells=0)
    try:
        there = child.analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, moderated_out=matrix.hidden)
        again = child.analyse(matrix.votes, matrix.participant_ids, matrix.position_ids, there,
                              moderated_out=matrix.hidden)
        assert child.calls == 2 and child._process.poll() is None
        process = child._process
    finally:
        child.close()
    assert process.poll() is not None  # it ended with its pipe
    a, b = here.to_dict(), there.to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert a == b and again.groups
    failing = AnalysisProcess(min_cells=0)
    try:
        with pytest.raises(ValueError):  # an error in the child is raised here
            failing.analyse([[1.0]], [1, 2], [3])
    finally:
        failing.close()
