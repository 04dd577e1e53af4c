"""The opinion map (facilitator.opinion): edge cases, planted camps, smoothing, and Pol.is's own groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from facilitator.opinion import clustering
from facilitator.opinion.math import analyse
from facilitator.opinion.polis_data import load_polis_export
from facilitator.opinion.result import KSmoother

SEATTLE = Path(__file__).resolve().parents[1] / "data" / "polis" / "15-per-hour-seattle"
NAN = np.nan


def camps(n_per_camp: int = 25, seed: int = 7, noise: float = 0.1) -> tuple[np.ndarray, list[int], list[int]]:
    """Two planted camps over 12 statements: 0-4 camp A agrees and B disagrees, 5-9 the reverse,
    10 everyone agrees (consensus), 11 is a coin toss; 10% of votes flipped, 10% missing."""
    rng = np.random.default_rng(seed)
    rows = []
    for camp in (1.0, -1.0):
        for _ in range(n_per_camp):
            row = np.array([camp] * 5 + [-camp] * 5 + [1.0, rng.choice([-1.0, 1.0])])
            flip = rng.random(12) < noise
            flip[10] = False
            row[flip] = -row[flip]
            row[rng.random(12) < noise] = NAN
            rows.append(row)
    pids = list(range(100, 100 + 2 * n_per_camp))
    return np.array(rows), pids, list(range(1, 13))  # statement ids 1..12 (column j is statement j + 1)


@pytest.mark.parametrize("matrix, reason", [
    (np.full((4, 5), NAN), "no reactions"),
    (np.zeros((0, 0)), "no reactions"),
    (np.array([[1.0, -1.0, 0.0, 1.0]]), "only one participant"),
    (np.array([[1.0, NAN, -1.0], [NAN, NAN, NAN], [NAN, NAN, NAN]]), "only one participant"),
    (np.array([[1.0, NAN, -1.0], [-1.0, NAN, 1.0], [NAN, NAN, NAN]]), "fewer than 3 participants"),
    (np.array([[1.0], [-1.0], [0.0], [1.0]]), "only one statement"),
    (np.array([[1.0, -1.0], [-1.0, 1.0]]), "fewer than 3 participants"),
    (np.tile([1.0, -1.0, 0.0, 1.0], (6, 1)), "the same way"),
    (np.array([[1.0, NAN], [NAN, 1.0], [1.0, 1.0]]), "the same way"),
])
def test_edge_cases_give_an_empty_map_with_a_reason(matrix, reason):
    result = analyse(matrix, list(range(matrix.shape[0])), list(range(matrix.shape[1])))
    assert result.empty and result.groups == () and result.points == () and result.k == 0
    assert reason in result.reason
    assert result.seconds >= 0
    assert result.to_dict()["reason"] == result.reason


def test_random_matrices_never_raise_and_keep_their_invariants():
    rng = np.random.default_rng(11)
    previous = None
    for _ in range(150):
        n, m = int(rng.integers(0, 30)), int(rng.integers(0, 10))
        matrix = rng.choice([-1.0, 0.0, 1.0], size=(n, m))
        matrix[rng.random((n, m)) < rng.random()] = NAN
        if rng.random() < 0.2 and n:
            matrix[:] = matrix[0]  # everyone alike
        removed = [j for j in range(m) if rng.random() < 0.15]
        result = analyse(matrix, list(range(n)), list(range(m)), previous, moderated_out=removed)
        assert result.empty == bool(result.reason)
        if result.empty:
            continue
        previous = result
        assert result.k == len(result.groups) >= 2 and len({g.id for g in result.groups}) == result.k
        assert sorted(p for g in result.groups for p in g.members) == sorted(result.participants_in)
        assert len(result.points) == len(result.participants_in)
        assert not {r.statement_id for g in result.groups for r in g.representative} & set(removed)


def test_three_participants_who_differ_get_a_map():
    matrix = np.array([[1.0, 1.0, -1.0], [-1.0, -1.0, 1.0], [1.0, 0.0, -1.0]])
    result = analyse(matrix, [7, 8, 9], [1, 2, 3])
    assert result.reason == ""
    assert result.participants_in == (7, 8, 9)
    assert result.k == 2 and sorted(len(g.members) for g in result.groups) == [1, 2]
    assert len(result.points) == 3


def test_two_planted_camps_are_found_with_their_statements_and_the_consensus():
    matrix, pids, sids = camps()
    result = analyse(matrix, pids, sids)
    assert result.reason == "" and result.k == 2
    assert [g.id for g in result.groups] == [0, 1]
    found = {frozenset(g.members) for g in result.groups}
    assert found == {frozenset(pids[:25]), frozenset(pids[25:])}
    for group in result.groups:
        camp_a = group.members[0] in pids[:25]
        assert 1 <= len(group.representative) <= 5
        for rep in group.representative:
            # camp A agrees with statements 1-5 and disagrees with 6-10; camp B the reverse
            agrees_with = set(range(1, 6)) if camp_a else set(range(6, 11))
            expected = "agree" if rep.statement_id in agrees_with else "disagree"
            assert rep.statement_id in range(1, 11) and rep.direction == expected
            assert rep.share > 0.6 and rep.repness_z > 1.2816 and rep.probability_z > 1.2816
        directions = [r.direction for r in group.representative]
        assert directions == sorted(directions)  # agrees before disagrees (repness.clj)
    assert result.consensus and result.consensus[0].statement_id == 11
    assert 0.5 < result.consensus[0].agree_share < 1
    assert {d.statement_id for d in result.divisive} <= set(range(1, 11))
    # points: one per participant in the map, scaled into [-1, 1], with the group id
    assert len(result.points) == len(result.participants_in) == 50
    xy = np.array([p[:2] for p in result.points])
    assert np.abs(xy).max() == pytest.approx(1.0)
    by_id = {p: g.id for g in result.groups for p in g.members}
    assert [p[2] for p in result.points] == [by_id[p] for p in result.participants_in]


def test_the_analysis_is_deterministic():
    matrix, pids, sids = camps(seed=3, noise=0.25)
    first, second = analyse(matrix, pids, sids), analyse(matrix, pids, sids)
    assert first.groups == second.groups and first.points == second.points
    assert first.consensus == second.consensus and first.silhouettes == second.silhouettes


def test_one_more_participant_keeps_k_and_group_ids():
    matrix, pids, sids = camps()
    before = analyse(matrix, pids, sids)
    newcomer = np.array([[-1.0] * 5 + [1.0] * 5 + [1.0, -1.0]])  # votes like camp B
    after = analyse(np.vstack([matrix, newcomer]), pids + [999], sids, before)
    assert after.k == before.k == 2
    assert after.smoother == KSmoother(last_k=2, last_k_count=2, smoothed_k=2)
    old = {p: g.id for g in before.groups for p in g.members}
    new = {p: g.id for g in after.groups for p in g.members}
    assert all(new[p] == old[p] for p in old)
    assert new[999] == old[pids[-1]]


def test_one_more_participant_keeps_seattle_stable():
    export = load_polis_export(SEATTLE, keep_moderated=True)
    ids, matrix = export.participant_ids, export.matrix
    before = analyse(matrix[:-1], ids[:-1], export.statement_ids, moderated_out=export.moderated_out)
    after = analyse(matrix, ids, export.statement_ids, before, moderated_out=export.moderated_out)
    assert after.k == before.k == 2 and after.smoother.last_k_count == 2
    old = {p: g.id for g in before.groups for p in g.members}
    new = {p: g.id for g in after.groups for p in g.members}
    assert sum(new[p] == old[p] for p in old) >= 0.97 * len(old)


def test_stable_ids_follow_membership_not_order():
    previous = {0: (1, 2, 3, 4), 1: (5, 6, 7), 2: (8, 9)}
    assert clustering.stable_ids([[5, 6, 7, 10], [1, 2, 3]], previous) == [1, 0]
    assert clustering.stable_ids([[8, 9, 1], [2, 3, 4, 5, 6, 7]], previous) == [2, 0]
    assert clustering.stable_ids([[1, 5, 8], [2, 6, 9]], previous) == [0, 1]  # no majority: lowest free ids
    assert clustering.stable_ids([[11, 12], [13]], previous) == [0, 1]


def test_k_changes_only_after_it_wins_four_updates_in_a_row():
    state = clustering.smooth_k({2: 0.5, 3: 0.4}, None, buffer=4)
    assert state == KSmoother(2, 1, 2)
    ks = []
    for _ in range(4):
        state = clustering.smooth_k({2: 0.4, 3: 0.5}, state, buffer=4)
        ks.append(state.smoothed_k)
    assert ks == [2, 2, 2, 3]
    state = clustering.smooth_k({2: 0.6, 3: 0.5}, state, buffer=4)
    assert state.smoothed_k == 3 and state.last_k == 2 and state.last_k_count == 1


def test_moderated_out_statements_are_left_out_of_every_list():
    matrix, pids, sids = camps()
    result = analyse(matrix, pids, sids, moderated_out=[11, 1])
    assert result.k == 2
    listed = {r.statement_id for g in result.groups for r in g.representative}
    listed |= {c.statement_id for c in result.consensus} | {d.statement_id for d in result.divisive}
    assert not listed & {1, 11} and 11 not in result.axes


def test_seattle_groups_match_polis():
    """ARI against the groups Pol.is published for the shipped Seattle export (measured 0.884)."""
    export = load_polis_export(SEATTLE, keep_moderated=True)
    result = analyse(export.matrix, export.participant_ids, export.statement_ids,
                     moderated_out=export.moderated_out)
    mine = {p: g.id for g in result.groups for p in g.members}
    both = [p for p in mine if p in export.groups]
    ari = adjusted_rand_score([export.groups[p] for p in both], [mine[p] for p in both])
    assert result.k == 2 and len(result.participants_in) == 138 and len(both) == 138
    assert ari > 0.85
    from figures import report

    report("opinion map vs Pol.is (15-per-hour-seattle)",
           [f"ARI {ari:.3f} over {len(both)} participants, k={result.k}, {result.seconds * 1000:.0f} ms"])


def test_polis_export_reader_keeps_the_latest_vote_and_skips_moderated_out(tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,1,0,0,1,kept\n2,x,1,1,0,0,-1,removed\n3,x,2,1,0,0,0,unmoderated\n", encoding="utf-8")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "10,x,0,5,1\n20,x,0,5,-1\n15,x,1,5,1\n12,x,2,6,0\n", encoding="utf-8")
    (tmp_path / "participants-votes.csv").write_text(
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n5,1,0,2,0,1,-1,1,\n6,,0,1,0,0,,,0\n",
        encoding="utf-8")
    export = load_polis_export(tmp_path)
    assert export.statement_ids == [0, 2] and export.participant_ids == [5, 6]
    assert export.moderated_out == [1] and export.groups == {5: 1} and export.n_votes == 2
    assert np.array_equal(export.matrix, np.array([[-1.0, NAN], [NAN, 0.0]]), equal_nan=True)
    full = load_polis_export(tmp_path, keep_moderated=True)
    assert full.statement_ids == [0, 1, 2] and full.matrix[0, 1] == 1.0
