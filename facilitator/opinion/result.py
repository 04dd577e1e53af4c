"""The opinion map's result types and tunable settings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Direction = Literal["agree", "disagree"]


@dataclass(frozen=True)
class Settings:
    """Hold the method's constants; the defaults are Pol.is's (see docs/opinion.md)."""

    min_votes: int = 7  # conversation.clj :in-conv, (min 7 n-cmts)
    greedy_n: int = 15  # conversation.clj :in-conv, greedy-n top-up
    base_k: int = 100  # conversation.clj opts :base-k
    max_k: int = 5  # conversation.clj opts :max-k
    k_buffer: int = 4  # conversation.clj opts :group-k-buffer
    group_n_init: int = 30  # k-means++ restarts of a fresh group clustering (ours; Pol.is warm-starts)
    pick_max: int = 5  # repness.clj select-rep-comments (take 5)
    z_90: float = 1.2816  # stats.clj z-sig-90?
    random_state: int = 0


@dataclass(frozen=True)
class RepresentativeStatement:
    """Describe why a statement represents a group (repness.clj finalize-cmt-stats)."""

    statement_id: int
    direction: Direction
    share: float  # raw share of the group's voters who agreed (or disagreed)
    n_success: int  # group members who agreed (or disagreed)
    n_trials: int  # group members who voted on it, passes included
    probability: float  # pseudo-count share (1 + n_success) / (2 + n_trials)
    probability_z: float  # one-proportion z against 1/2 (stats.clj prop-test)
    repness: float  # probability divided by the rest's pseudo-count probability
    repness_z: float  # two-proportion z, group against the rest (stats.clj two-prop-test)
    best_agree: bool = False


@dataclass(frozen=True)
class Group:
    """Hold one opinion group: its stable id, members and representative statements."""

    id: int
    members: tuple[int, ...]
    representative: tuple[RepresentativeStatement, ...]


@dataclass(frozen=True)
class ConsensusStatement:
    """Hold a statement agreed across groups with its group-informed consensus."""

    statement_id: int
    agree_share: float  # product over groups of (1 + agrees) / (2 + votes)


@dataclass(frozen=True)
class DivisiveStatement:
    """Hold a statement that splits the groups, with the variance of their agree shares."""

    statement_id: int
    variance: float
    group_agree: tuple[float, ...]  # pseudo-count agree share per group, in group order


@dataclass(frozen=True)
class BaseCluster:
    """Hold one base cluster: its members, its centre in map coordinates and its group."""

    id: int
    members: tuple[int, ...]
    center: tuple[float, float]
    group_id: int


@dataclass(frozen=True)
class KSmoother:
    """Remember the best k of recent updates (conversation.clj :group-k-smoother)."""

    last_k: int
    last_k_count: int
    smoothed_k: int


@dataclass(frozen=True)
class OpinionMap:
    """Hold a whole analysis; `reason` says why the map is empty, and is '' otherwise."""

    participants_in: tuple[int, ...] = ()
    groups: tuple[Group, ...] = ()
    consensus: tuple[ConsensusStatement, ...] = ()
    divisive: tuple[DivisiveStatement, ...] = ()
    points: tuple[tuple[float, float, int], ...] = ()
    base_clusters: tuple[BaseCluster, ...] = ()
    k: int = 0
    silhouettes: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0
    reason: str = ""
    smoother: KSmoother | None = None
    axes: dict[int, tuple[float, float]] = field(default_factory=dict)  # statement loadings, for stable signs
    clusterings: dict[int, tuple[tuple[int, ...], ...]] = field(default_factory=dict)  # members per group, per k
    scale: float = 1.0  # points and centres were divided by this (the largest |coordinate|)

    @property
    def empty(self) -> bool:
        """Tell whether there is no map."""
        return not self.groups

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (lists, plain numbers)."""
        data = asdict(self)
        data["points"] = [list(p) for p in self.points]
        data["silhouettes"] = {str(k): v for k, v in self.silhouettes.items()}
        data["axes"] = {str(k): list(v) for k, v in self.axes.items()}
        data["clusterings"] = {str(k): [list(g) for g in v] for k, v in self.clusterings.items()}
        data["participants_in"] = list(self.participants_in)
        for group in data["groups"]:
            group["members"] = list(group["members"])
            group["representative"] = list(group["representative"])
        for base in data["base_clusters"]:
            base["members"] = list(base["members"])
            base["center"] = list(base["center"])
        for item in data["divisive"]:
            item["group_agree"] = list(item["group_agree"])
        data["consensus"], data["divisive"] = list(data["consensus"]), list(data["divisive"])
        data["groups"], data["base_clusters"] = list(data["groups"]), list(data["base_clusters"])
        return data
