"""Base clusters, group clusters chosen by silhouette, k smoothing and stable group ids."""

from __future__ import annotations

import os

import warnings
from itertools import permutations

import numpy as np
from numpy.typing import NDArray
# scikit-learn's k-means asks joblib (loky) for the number of physical cores, which runs `lscpu` in a
# subprocess: under gevent, from the thread pool, that fails with a traceback in the server's log.
# The analysis runs on one thread anyway (math.py): one core is all it asks for, and a limit below the
# machine's count is the only one loky takes without looking.
os.environ.setdefault("LOKY_MAX_CPU_COUNT", "1")

from sklearn.cluster import KMeans  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402

from .result import KSmoother

Matrix = NDArray[np.float64]
Labels = NDArray[np.int64]


def distinct_count(points: Matrix) -> int:
    """Count the distinct rows of a matrix."""
    return int(np.unique(points, axis=0).shape[0]) if len(points) else 0


def _fit(model: KMeans, points: Matrix, weights: NDArray[np.int64] | None = None) -> Labels:
    """Fit k-means and return its labels; fewer distinct clusters than asked for is no error here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(points, sample_weight=weights).labels_.astype(np.int64)


def base_clusters(points: Matrix, base_k: int) -> tuple[Labels, Matrix]:
    """Cluster the projected participants into at most base_k base clusters; return labels and centres."""
    # conversation.clj :base-clusters: k-means with k = 100 (:base-k) on the in-conv projections, at most
    # 100 iterations (:base-iters), k capped by the distinct points (clusters.clj clean-start-clusters).
    # Seeds: the first k distinct points in row order (clusters.clj init-clusters), so no randomness.
    first = np.sort(np.unique(points, axis=0, return_index=True)[1])
    k = min(base_k, len(first))
    if k <= 1:
        return np.zeros(len(points), dtype=np.int64), points.mean(axis=0, keepdims=True)
    found = _fit(KMeans(n_clusters=k, init=points[first[:k]], n_init=1, max_iter=100), points)
    # clusters.clj cluster-step drops clusters left without members; the rest are renumbered in order
    used, labels = np.unique(found, return_inverse=True)
    centers = np.array([points[labels == i].mean(axis=0) for i in range(len(used))])
    return labels.astype(np.int64), centers


def max_group_k(n_base: int, max_k: int) -> int:
    """Return the largest k tried, min(max-k, 2 + n_base // 12) (conversation.clj max-k-fn)."""
    return min(max_k, 2 + n_base // 12)


def warm_starts(points: Matrix, member_ids: list[int], centers: Matrix,
                previous: dict[int, tuple[tuple[int, ...], ...]]) -> dict[int, Matrix]:
    """Return, for each k of the last update, its groups recentred on today's points as k-means seeds."""
    # clusters.clj clean-start-clusters: recentre the last clusters on their members' new positions
    # (safe-recenter-clusters), drop the empty ones, merge identical ones (uniqify-clusters), and while
    # fewer than k remain, seed one at the most distal point (most-distal). Members here are participants.
    row = {pid: i for i, pid in enumerate(member_ids)}
    out: dict[int, Matrix] = {}
    for k, groups in previous.items():
        rows = [[row[m] for m in members if m in row] for members in groups]
        seeds = [points[r].mean(axis=0) for r in rows if r]
        seeded = np.unique(np.array(seeds), axis=0) if seeds else np.empty((0, 2))
        while 0 < len(seeded) < k:
            gaps = np.sqrt(((centers[:, None, :] - seeded[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
            far = int(np.argmax(gaps))
            if gaps[far] <= 0:
                break
            seeded = np.vstack([seeded, centers[far]])
        if len(seeded) == k:
            out[k] = seeded
    return out


def group_clusterings(centers: Matrix, weights: NDArray[np.int64], max_k: int, n_init: int, seed: int,
                      warm: dict[int, Matrix] | None = None) -> dict[int, tuple[Labels, float]]:
    """Cluster the base-cluster centres for k = 2..max-k, weighted by size; return labels and silhouette."""
    # conversation.clj :group-clusterings: weighted k-means over base-cluster centres (:weights = member
    # counts), warm-started from the last update's clustering for the same k, at most 20 iterations
    # (clusters.clj kmeans default). Without a last clustering Pol.is seeds with the first k centres;
    # k-means++ restarts (best inertia) stand in for that, as a fresh start has no history to follow.
    out: dict[int, tuple[Labels, float]] = {}
    n_distinct = distinct_count(centers)
    for k in range(2, max_group_k(len(centers), max_k) + 1):
        if k > n_distinct:
            break
        if warm and k in warm:
            model = KMeans(n_clusters=k, init=warm[k], n_init=1, max_iter=20)
        else:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
        labels = _fit(model, centers, weights)
        # :group-clusterings-silhouettes (clusters.clj silhouette): the plain mean over base clusters of
        # the silhouette on centre distances, unweighted; a singleton cluster scores 0
        n_labels = len(np.unique(labels))
        score = float(silhouette_score(centers, labels)) if 2 <= n_labels < len(centers) else 0.0
        out[k] = (labels, score)
    return out


def smooth_k(silhouettes: dict[int, float], previous: KSmoother | None, buffer: int) -> KSmoother:
    """Pick k by best silhouette, adopting a new k only after it has been best `buffer` times running."""
    # conversation.clj :group-k-smoother: this-k is the best silhouette, its count grows while it stays
    # the best, and smoothed-k switches to it once the count reaches :group-k-buffer (4)
    this_k = max(sorted(silhouettes), key=lambda k: silhouettes[k])
    if previous is None:
        return KSmoother(this_k, 1, this_k)
    count = previous.last_k_count + 1 if previous.last_k == this_k else 1
    smoothed = this_k if count >= buffer else previous.smoothed_k
    if smoothed not in silhouettes:  # the last k is no longer possible (fewer base clusters)
        smoothed = this_k
    return KSmoother(this_k, count, smoothed)


def group_labels_by_size(labels: Labels, weights: NDArray[np.int64]) -> Labels:
    """Renumber group labels so that the largest group (by members) is 0; ties go to the first seen."""
    used = list(dict.fromkeys(labels.tolist()))
    totals = {g: int(weights[labels == g].sum()) for g in used}
    order = sorted(used, key=lambda g: (-totals[g], used.index(g)))
    mapping = {g: i for i, g in enumerate(order)}
    return np.array([mapping[g] for g in labels.tolist()], dtype=np.int64)


def stable_ids(new_groups: list[list[int]], previous: dict[int, tuple[int, ...]]) -> list[int]:
    """Give each new group the id of the last group it mostly continues, else the lowest free id."""
    # Pol.is keeps ids through its warm start (clusters.clj clean-start-clusters keeps :id); here groups
    # are also matched to the last ones by member overlap (the pairing with the largest total), and a
    # pair counts when over half of the new group's previously mapped members came from that group.
    ids: list[int | None] = [None] * len(new_groups)
    if previous:
        old_ids = sorted(previous)
        old_sets = [set(previous[i]) for i in old_ids]
        mapped = set().union(*old_sets)
        overlap = [[len(set(g) & s) for s in old_sets] for g in new_groups]
        for r, c in _best_pairing(overlap):
            seen = len(set(new_groups[r]) & mapped)
            if seen and 2 * overlap[r][c] > seen:
                ids[r] = old_ids[c]
    taken = {i for i in ids if i is not None}
    free = (i for i in range(len(new_groups) + len(taken) + 1) if i not in taken)
    return [i if i is not None else next(free) for i in ids]


def _best_pairing(overlap: list[list[int]]) -> list[tuple[int, int]]:
    """Return the row-column pairing with the largest total overlap (k <= 5, so brute force)."""
    n_rows, n_cols = len(overlap), len(overlap[0]) if overlap else 0
    if n_rows <= n_cols:
        options = (list(zip(range(n_rows), cols, strict=True)) for cols in permutations(range(n_cols), n_rows))
    else:
        options = (list(zip(rows, range(n_cols), strict=True)) for rows in permutations(range(n_rows), n_cols))
    best: list[tuple[int, int]] = []
    best_total = -1
    for pairs in options:
        total = sum(overlap[r][c] for r, c in pairs)
        if total > best_total:
            best, best_total = pairs, total
    return best
