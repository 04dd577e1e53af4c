"""Who is in the map, PCA of the vote matrix, and Pol.is's sparsity-aware projection."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


def in_conversation(voted: NDArray[np.bool_], min_votes: int, greedy_n: int,
                    already_in: NDArray[np.bool_] | None = None) -> NDArray[np.bool_]:
    """Return the mask of participants in the map by Pol.is's in-conv rule."""
    # conversation.clj :in-conv: in once a participant voted on min(7, n-cmts) statements, and in for
    # good after that; while fewer than greedy-n (15) are in, the most active others (any vote) top up
    counts = voted.sum(axis=1)
    inside = counts >= min(min_votes, voted.shape[1])
    if already_in is not None:
        inside |= already_in & (counts > 0)
    missing = greedy_n - int(inside.sum())
    if missing > 0:
        candidates = np.flatnonzero(~inside & (counts > 0))
        # (sort-by (comp - second)): most votes first; ties keep the input order here
        order = candidates[np.argsort(-counts[candidates], kind="stable")]
        inside[order[:missing]] = True
    return inside


def impute_column_means(votes: Matrix, voted: NDArray[np.bool_]) -> tuple[Matrix, Matrix]:
    """Return the matrix with missing votes replaced by their column's mean, and the means."""
    # conversation.clj :mat: nils become the per-column average of the votes cast (passes are 0);
    # a column nobody voted on averages to 0
    counts = voted.sum(axis=0)
    sums = np.where(voted, votes, 0.0).sum(axis=0)
    means = np.divide(sums, counts, out=np.zeros(votes.shape[1]), where=counts > 0)
    return np.where(voted, votes, means), means


def principal_axes(filled: Matrix, n_comps: int = 2) -> tuple[Matrix, Matrix]:
    """Return the column means and the first principal components (as rows) of a filled matrix."""
    # pca.clj powerit-pca: centre the columns, find the leading eigenvectors of X'X by power iteration
    # (100 iterations, :pca-iters); an exact symmetric eigensolver gives the same vectors up to sign.
    # Components that do not exist stay zero (pca.clj wrapped-pca).
    center = filled.mean(axis=0)
    centred = filled - center
    n_rows, n_cols = centred.shape
    comps = np.zeros((n_comps, n_cols))
    if n_rows < 2 or n_cols < 1:
        return center, comps
    wide = n_cols > max(n_rows, 1000)  # many more statements than participants: participant space
    gram = centred @ centred.T if wide else centred.T @ centred
    values, vectors = np.linalg.eigh(gram)
    floor = 1e-9 * max(float(values.max()), 1e-300)
    for row, i in enumerate(np.argsort(values)[::-1][:n_comps]):
        if values[i] > floor:
            v = centred.T @ vectors[:, i] if wide else vectors[:, i]
            comps[row] = v / np.linalg.norm(v)
    return center, comps


def orient(comps: Matrix, statement_ids: list[int], previous: dict[int, tuple[float, float]]) -> Matrix:
    """Flip component signs to match the last map's loadings, or make the largest loading positive."""
    # Pol.is starts power iteration from the last components (conversation.clj :pca, :start-vectors),
    # which keeps their signs from one update to the next, so the map does not mirror
    comps = comps.copy()
    for row in range(comps.shape[0]):
        dot = sum(comps[row, j] * previous[sid][row] for j, sid in enumerate(statement_ids) if sid in previous)
        if abs(dot) > 1e-12:
            flip = dot < 0
        else:
            flip = comps.shape[1] > 0 and comps[row, int(np.argmax(np.abs(comps[row])))] < 0
        if flip:
            comps[row] = -comps[row]
    return comps


def sparsity_aware_projection(votes: Matrix, voted: NDArray[np.bool_], center: Matrix,
                              comps: Matrix) -> Matrix:
    """Project participants from the votes they cast, pushed out by sqrt(n_statements / n_votes)."""
    # pca.clj sparsity-aware-project-ptpt: sum (x - centre) * pc over the statements voted on, then
    # scale by sqrt(n-cmnts / max(n-votes, 1)) so that light voters are not all bunched at the centre
    deviations = np.where(voted, votes - center, 0.0)
    scale = np.sqrt(votes.shape[1] / np.maximum(voted.sum(axis=1), 1))
    return (deviations @ comps.T) * scale[:, None]
