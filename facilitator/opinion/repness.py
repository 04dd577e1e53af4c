"""Pol.is's statement statistics: representative statements, consensus and divisive statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .result import ConsensusStatement, DivisiveStatement, RepresentativeStatement, Settings

Matrix = NDArray[np.float64]


def prop_test(success: Matrix, n: Matrix) -> Matrix:
    """Return the one-proportion z of success/n against 1/2, with +1 pseudo-counts (stats.clj prop-test)."""
    s, t = success + 1.0, n + 1.0
    return 2.0 * np.sqrt(t) * (s / t - 0.5)


def two_prop_test(succ_in: Matrix, succ_out: Matrix, n_in: Matrix, n_out: Matrix) -> Matrix:
    """Return the two-proportion z of a group against the rest, +1 on every count (stats.clj two-prop-test)."""
    # when the pooled share is 1 Pol.is defines the statistic as 0
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, n_in + 1.0, n_out + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    z = np.divide(s1 / n1 - s2 / n2, np.sqrt(var), out=np.zeros_like(pooled), where=var > 0)
    return np.where(pooled >= 1.0, 0.0, z)


@dataclass(frozen=True)
class GroupStats:
    """Hold per-group, per-statement counts and tests (repness.clj comment-stats, add-comparitive-stats)."""

    na: Matrix
    nd: Matrix
    ns: Matrix
    pa: Matrix
    pd: Matrix
    pat: Matrix
    pdt: Matrix
    ra: Matrix
    rd: Matrix
    rat: Matrix
    rdt: Matrix


def group_stats(votes: Matrix, voted: NDArray[np.bool_], labels: NDArray[np.int64], k: int) -> GroupStats:
    """Count each group's agrees, disagrees and votes per statement, and compare them with the rest."""
    # repness.clj comment-stats and add-comparitive-stats: pa = (1 + na) / (2 + ns), pat = prop-test(na, ns),
    # ra = pa / ((1 + na_rest) / (2 + ns_rest)), rat = two-prop-test(na, na_rest, ns, ns_rest), where the
    # rest pools every other group's members. (Pol.is stores agree as -1; in this matrix agree is +1.)
    onehot = (labels[None, :] == np.arange(k)[:, None]).astype(float)
    na = onehot @ (voted & (votes > 0)).astype(float)
    nd = onehot @ (voted & (votes < 0)).astype(float)
    ns = onehot @ voted.astype(float)
    na_r, nd_r, ns_r = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (1 + na) / (2 + ns), (1 + nd) / (2 + ns)
    return GroupStats(
        na=na, nd=nd, ns=ns, pa=pa, pd=pd, pat=prop_test(na, ns), pdt=prop_test(nd, ns),
        ra=pa / ((1 + na_r) / (2 + ns_r)), rd=pd / ((1 + nd_r) / (2 + ns_r)),
        rat=two_prop_test(na, na_r, ns, ns_r), rdt=two_prop_test(nd, nd_r, ns, ns_r))


def _rows(s: GroupStats, g: int) -> dict[str, list[float]]:
    """Return one group's statistics as plain float lists, one per statistic."""
    return {key: getattr(s, key)[g].tolist() for key in GroupStats.__dataclass_fields__}


def _finalize(sid: int, st: dict[str, float], best_agree: bool = False) -> RepresentativeStatement:
    """Choose agree or disagree, whichever has the larger repness z (repness.clj finalize-cmt-stats)."""
    agree = st["rat"] > st["rdt"]
    n_success, p, pt, r, rt = ((st["na"], st["pa"], st["pat"], st["ra"], st["rat"]) if agree
                               else (st["nd"], st["pd"], st["pdt"], st["rd"], st["rdt"]))
    n = st["ns"]
    return RepresentativeStatement(
        statement_id=sid, direction="agree" if agree else "disagree", share=n_success / n if n else 0.0,
        n_success=int(n_success), n_trials=int(n), probability=p, probability_z=pt, repness=r,
        repness_z=rt, best_agree=best_agree)


def _metric(r: RepresentativeStatement) -> float:
    """Return repness * repness-test * p-success * p-test (repness.clj repness-metric)."""
    return r.repness * r.repness_z * r.probability * r.probability_z


def _beats_best_agree(st: dict[str, float], best: dict[str, Any] | None, z: float) -> bool:
    """Tell whether a statement is a better 'best agree' (repness.clj beats-best-agr?)."""
    if st["na"] == 0 and st["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        return st["ra"] * st["rat"] * st["pa"] * st["pat"] > best["ra"] * best["rat"] * best["pa"] * best["pat"]
    if best is not None:
        return st["pa"] * st["pat"] > best["pa"] * best["pat"]
    return st["pat"] > z or (st["ra"] > 1.0 and st["pa"] > 0.5)


def representative(stats: GroupStats, g: int, statement_ids: list[int],
                   settings: Settings) -> tuple[RepresentativeStatement, ...]:
    """Select a group's representative statements, best first (repness.clj select-rep-comments)."""
    # Sufficient: z-sig-90 on both the repness test and the probability test, for agree or for
    # disagree (passes-by-test?). The best-agree statement (beats-best-agr?) goes first, the sufficient
    # ones follow by repness-metric, top 5, agrees before disagrees (agrees-before-disagrees). With none
    # sufficient: the best agree, else the statement with the largest repness z (beats-best-by-test?).
    z = settings.z_90
    sufficient: list[RepresentativeStatement] = []
    best: tuple[float, int, dict[str, float]] | None = None
    best_agree: tuple[int, dict[str, float]] | None = None
    rows = _rows(stats, g)
    for j, sid in enumerate(statement_ids):
        st = {key: values[j] for key, values in rows.items()}
        if (st["rat"] > z and st["pat"] > z) or (st["rdt"] > z and st["pdt"] > z):
            sufficient.append(_finalize(sid, st))
        top = max(st["rat"], st["rdt"])
        if not sufficient and (best is None or top > best[0]):
            best = (top, sid, st)
        if _beats_best_agree(st, best_agree[1] if best_agree else None, z):
            best_agree = (sid, st)
    head = [_finalize(best_agree[0], best_agree[1], best_agree=True)] if best_agree else []
    if not sufficient:
        return tuple(head or ([_finalize(best[1], best[2])] if best else []))
    rest = sorted((r for r in sufficient if not head or r.statement_id != head[0].statement_id),
                  key=_metric, reverse=True)
    chosen = (head + rest)[: settings.pick_max]
    return tuple([r for r in chosen if r.direction == "agree"] + [r for r in chosen if r.direction == "disagree"])


def consensus(stats: GroupStats, statement_ids: list[int], pick_max: int) -> tuple[ConsensusStatement, ...]:
    """Rank statements by group-informed consensus, keeping those a majority of every group agrees with."""
    # conversation.clj :group-aware-consensus: the product over groups of (1 + agrees) / (2 + votes).
    # Keeping only statements whose pseudo-count agree share is above 1/2 in every group is ours; the
    # Pol.is client (participation.js updateTopComments) shows the top 5 of the ranking.
    agree = (stats.na + 1.0) / (stats.ns + 2.0)
    gac = agree.prod(axis=0)
    keep = np.flatnonzero((agree > 0.5).all(axis=0))
    order = keep[np.argsort(-gac[keep], kind="stable")][:pick_max]
    return tuple(ConsensusStatement(statement_ids[j], float(gac[j])) for j in order)


def divisive(stats: GroupStats, statement_ids: list[int], pick_max: int) -> tuple[DivisiveStatement, ...]:
    """Rank statements by the variance of the groups' agree shares, where group majorities differ."""
    # Ours (Pol.is's math has no divisive list): the groups' pseudo-count agree shares
    # (1 + agrees) / (2 + votes) as in :group-aware-consensus, statements where at least one group is
    # above 1/2 and another below, the top 5 by variance.
    agree = (stats.na + 1.0) / (stats.ns + 2.0)
    var = agree.var(axis=0)
    keep = np.flatnonzero((agree.max(axis=0) > 0.5) & (agree.min(axis=0) < 0.5))
    order = keep[np.argsort(-var[keep], kind="stable")][:pick_max]
    return tuple(DivisiveStatement(statement_ids[j], float(var[j]), tuple(float(a) for a in agree[:, j]))
                 for j in order)
