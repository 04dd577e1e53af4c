"""Analyse an agree/disagree/pass matrix into a Pol.is-style opinion map.

Entry point: `analyse(votes, participant_ids, statement_ids, previous=None)`.
Votes are agree 1, disagree -1, pass 0 and missing NaN. Each Pol.is rule
names its source in compdemocracy/polis, math/src/polismath/math/ (see
docs/opinion.md for the whole method).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace

import numpy as np
import threadpoolctl
from numpy.typing import ArrayLike, NDArray

from . import clustering, projection, repness
from .result import BaseCluster, Group, OpinionMap, Settings

# threadpoolctl comes with scikit-learn; a controller (3.0+) is found once and cheap to reuse
_CONTROLLER = threadpoolctl.ThreadpoolController() if hasattr(threadpoolctl, "ThreadpoolController") else None
DEFAULT = Settings()


def analyse(votes: ArrayLike, participant_ids: Sequence[int], statement_ids: Sequence[int],
            previous: OpinionMap | None = None, *, moderated_out: Collection[int] = (),
            settings: Settings = DEFAULT) -> OpinionMap:
    """Return the opinion map of a vote matrix, or an empty map whose `reason` says why there is none."""
    # `moderated_out`: statements (columns) a moderator removed; as in Pol.is their votes still count
    # for the in-conv rule, the math sees a 0 from everyone, and no list names them.
    # `previous`: the last map of the same prompt (k smoothing, group ids, warm start, axis signs).
    start = time.perf_counter()
    matrix = np.asarray(votes, dtype=float).reshape(len(participant_ids), len(statement_ids))
    # a statement nobody voted on has no column in Pol.is's rating matrix (named_matrix.clj update-nmat)
    cast = ~np.isnan(matrix).all(axis=0)
    removed = {int(s) for s in moderated_out}
    sids = [int(s) for s, c in zip(statement_ids, cast, strict=True) if c]
    mask = np.array([s in removed for s in sids], dtype=bool)
    # One thread for BLAS and OpenMP: these matrices are small, and on a busy 2-core machine
    # worker threads waiting for a core cost far more than they save.
    with _one_thread():
        result = _analyse(matrix[:, cast], mask, [int(p) for p in participant_ids], sids, previous, settings)
    return replace(result, seconds=time.perf_counter() - start)


def _one_thread() -> AbstractContextManager[object]:
    """Limit BLAS and OpenMP to one thread inside a with block."""
    if _CONTROLLER is not None:
        return _CONTROLLER.limit(limits=1)
    return threadpoolctl.threadpool_limits(limits=1)


def _no_map(raw_voted: NDArray[np.bool_], removed: NDArray[np.bool_]) -> str:
    """Return why a matrix cannot have a map before any math, or ''."""
    kept = raw_voted[:, ~removed]
    n_people = int(kept.any(axis=1).sum())
    if not kept.any():
        return "no reactions yet"
    if n_people < 2:
        return "only one participant has reacted"
    if int(kept.any(axis=0).sum()) < 2:
        return "reactions to only one statement"
    if n_people < 3:
        return "fewer than 3 participants have reacted"
    return ""


def _analyse(matrix: NDArray[np.float64], removed: NDArray[np.bool_], pids: list[int], sids: list[int],
             previous: OpinionMap | None, settings: Settings) -> OpinionMap:
    """Run the pipeline: in-conv, PCA, projection, base clusters, groups, statement statistics."""
    raw_voted = ~np.isnan(matrix)
    reason = _no_map(raw_voted, removed)
    if reason:
        return OpinionMap(reason=reason)
    # conversation.clj :rating-mat (nm/zero-out-columns): a moderated-out statement becomes a 0 from
    # everyone, so it adds nothing to the PCA but counts in the projection's sqrt(n-cmnts / n-votes)
    voted = raw_voted | removed[None, :]
    votes = np.where(voted, np.sign(np.nan_to_num(matrix)), 0.0)
    votes[:, removed] = 0.0

    before = set(previous.participants_in) if previous is not None else set()
    was_in = np.array([p in before for p in pids], dtype=bool)
    # conversation.clj :user-vote-counts come from the raw matrix, moderated-out votes included
    inside = projection.in_conversation(raw_voted, settings.min_votes, settings.greedy_n, was_in)
    member_ids = tuple(pids[i] for i in np.flatnonzero(inside))
    if len(member_ids) < 3:
        return OpinionMap(participants_in=member_ids, reason="fewer than 3 participants in the map")

    # conversation.clj :mat and :pca: impute, then PCA over every participant who voted
    voters = raw_voted.any(axis=1)
    filled, _ = projection.impute_column_means(votes[voters], voted[voters])
    center, comps = projection.principal_axes(filled)
    if not comps.any():
        return OpinionMap(participants_in=member_ids, reason="everyone voted the same way")
    comps = projection.orient(comps, sids, previous.axes if previous is not None else {})
    # conversation.clj :proj, then :base-clusters over the in-conv rows only
    points = projection.sparsity_aware_projection(votes[inside], voted[inside], center, comps)
    points = np.round(points, 9)  # participants who voted alike land on exactly the same point
    if clustering.distinct_count(points) < 2:
        return OpinionMap(participants_in=member_ids, reason="everyone in the map voted the same way")
    base_labels, centers = clustering.base_clusters(points, settings.base_k)
    sizes = np.bincount(base_labels, minlength=len(centers))
    warm = clustering.warm_starts(points, list(member_ids), centers,
                                  previous.clusterings if previous is not None else {})
    clusterings = clustering.group_clusterings(centers, sizes, settings.max_k, settings.group_n_init,
                                               settings.random_state, warm)
    if not clusterings:
        return OpinionMap(participants_in=member_ids, reason="no two distinct opinion clusters")
    smoother = clustering.smooth_k({k: s for k, (_, s) in clusterings.items()},
                                   previous.smoother if previous is not None else None, settings.k_buffer)
    base_groups = clustering.group_labels_by_size(clusterings[smoother.smoothed_k][0], sizes)
    person_groups = base_groups[base_labels]
    k = int(base_groups.max()) + 1
    new_groups = [[member_ids[i] for i in np.flatnonzero(person_groups == g)] for g in range(k)]
    ids = clustering.stable_ids(new_groups, {g.id: g.members for g in previous.groups} if previous is not None else {})
    order = sorted(range(k), key=lambda g: ids[g])  # groups are listed by id
    position = np.empty(k, dtype=np.int64)
    position[order] = np.arange(k)

    # repness.clj select-rep-comments and the consensus lists leave moderated-out statements out
    shown = [sid for sid, r in zip(sids, removed, strict=True) if not r]
    stats = repness.group_stats(votes[inside][:, ~removed], voted[inside][:, ~removed],
                                position[person_groups], k)
    scale = float(np.abs(points).max()) or 1.0
    return OpinionMap(
        participants_in=member_ids,
        groups=tuple(Group(ids[g], tuple(new_groups[g]), repness.representative(stats, pos, shown, settings))
                     for pos, g in enumerate(order)),
        consensus=repness.consensus(stats, shown, settings.pick_max),
        divisive=repness.divisive(stats, shown, settings.pick_max),
        points=tuple((round(float(x) / scale, 6), round(float(y) / scale, 6), ids[int(g)])
                     for (x, y), g in zip(points, person_groups, strict=True)),
        base_clusters=tuple(BaseCluster(b, tuple(member_ids[i] for i in np.flatnonzero(base_labels == b)),
                                        (float(c[0]) / scale, float(c[1]) / scale), ids[int(base_groups[b])])
                            for b, c in enumerate(centers)),
        k=k,
        silhouettes={k_: s for k_, (_, s) in clusterings.items()},
        clusterings={k_: tuple(tuple(member_ids[i] for i in np.flatnonzero(lab[base_labels] == g))
                               for g in range(k_)) for k_, (lab, _) in clusterings.items()},
        smoother=smoother,
        axes={sid: (float(comps[0, j]), float(comps[1, j])) for j, sid in enumerate(sids) if not removed[j]},
        scale=scale,
    )
