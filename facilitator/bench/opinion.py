"""Benchmark the opinion map on Pol.is open-data exports: compute time, and agreement with Pol.is's groups.

Run `python -m facilitator.bench.opinion [folders...]` (default: the three
exports under /work/shared/data/polis that exist). With `--red-dwarf PYTHON`
(an interpreter that has the `red-dwarf` package, kept out of this project)
the same data also goes through red-dwarf's Pol.is pipeline for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from facilitator.opinion.math import analyse
from facilitator.opinion.polis_data import PolisExport, load_polis_export

SHARED = Path("/work/shared/data/polis")
DEFAULT_FOLDERS = ("15-per-hour-seattle", "scoop-hivemind.biodiversity", "vtaiwan.uberx")
HEADER = f"{'dataset':30} {'ptpts':>6} {'stmts':>9} {'votes':>7} {'in map':>11} {'k':>5} {'seconds':>8} {'ARI':>6}"

# Runs red-dwarf's Pol.is pipeline on one export folder; prints JSON {seconds: [...], groups: {pid: gid}}.
_RED_DWARF = r"""
import csv, json, sys, time
from reddwarf.implementations.polis import run_pipeline
folder, runs = sys.argv[1], int(sys.argv[2])
with open(folder + "/comments.csv", newline="", encoding="utf-8") as f:
    mod_out = [int(c["comment-id"]) for c in csv.DictReader(f) if c["moderated"].strip() == "-1"]
with open(folder + "/votes.csv", newline="", encoding="utf-8") as f:
    votes = [{"participant_id": int(r["voter-id"]), "statement_id": int(r["comment-id"]),
              "vote": int(r["vote"]), "modified": int(r["timestamp"])} for r in csv.DictReader(f)]
latest = {}
for v in sorted(votes, key=lambda v: v["modified"]):
    latest[(v["participant_id"], v["statement_id"])] = v
votes = list(latest.values())
seconds = []
for _ in range(runs):
    start = time.perf_counter()
    result = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
    seconds.append(time.perf_counter() - start)
labels = result.participants_df["cluster_id"].dropna()
print(json.dumps({"seconds": seconds, "groups": {str(int(p)): int(g) for p, g in labels.items()}}))
"""


def ari(published: dict[int, int], ours: dict[int, int]) -> tuple[float, int]:
    """Return the adjusted Rand index over participants both assign to a group, and their count."""
    both = [p for p in ours if p in published]
    if len(both) < 2:
        return float("nan"), len(both)
    return float(adjusted_rand_score([published[p] for p in both], [ours[p] for p in both])), len(both)


def measure(export: PolisExport, runs: int = 5) -> tuple[list[str], dict[str, float]]:
    """Analyse one export `runs` times; return its table row and the figures."""
    seconds = []
    for _ in range(runs):
        result = analyse(export.matrix, export.participant_ids, export.statement_ids,
                         moderated_out=export.moderated_out)
        seconds.append(result.seconds)
    ours = {p: g.id for g in result.groups for p in g.members}
    score, n_both = ari(export.groups, ours)
    n_kept = len(export.statement_ids) - len(export.moderated_out)
    polis_k = len(set(export.groups.values()))
    median = statistics.median(seconds)
    row = (f"{export.name:30} {len(export.participant_ids):>6} {f'{n_kept}/{len(export.statement_ids)}':>9} "
           f"{export.n_votes:>7} {f'{len(result.participants_in)}/{len(export.groups)}':>11} "
           f"{f'{result.k}/{polis_k}':>5} {median:>8.3f} {score:>6.3f}")
    lines = [row]
    if result.reason:
        lines.append(f"  empty map: {result.reason}")
    return lines, {"seconds": median, "ari": score, "both": n_both, "k": result.k}


def red_dwarf(python: str, export: PolisExport, folder: Path, runs: int = 5) -> str:
    """Run red-dwarf on the same export in another interpreter; return a printable line."""
    try:
        done = subprocess.run([python, "-c", _RED_DWARF, str(folder), str(runs)], capture_output=True,
                              text=True, timeout=600, check=True)
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        return f"  red-dwarf: skipped ({type(exc).__name__})"
    groups = {int(p): g for p, g in data["groups"].items()}
    score, n_both = ari(export.groups, groups)
    k = len(set(groups.values()))
    return (f"  red-dwarf {'':20} in map {len(groups)}, k {k}, "
            f"{statistics.median(data['seconds']):.3f} s (median of {runs}), ARI {score:.3f}")


def run(folders: Sequence[str | Path], red_dwarf_python: str | None = None, runs: int = 5) -> Iterator[str]:
    """Yield the benchmark's lines for each Pol.is export folder."""
    yield "Opinion map on Pol.is exports: in map = ours/Pol.is's, k = ours/Pol.is's, " \
          f"seconds = median of {runs} analyses, ARI against Pol.is's published group-id"
    yield "(stmts = kept/all: moderated-out statements are zeroed, as Pol.is does)"
    yield HEADER
    for folder in folders:
        folder = Path(folder)
        export = load_polis_export(folder, keep_moderated=True)
        lines, _ = measure(export, runs)
        yield from lines
        if red_dwarf_python:
            yield red_dwarf(red_dwarf_python, export, folder, runs)


def default_folders() -> list[Path]:
    """Return the shared Pol.is exports that exist on this machine."""
    return [SHARED / name for name in DEFAULT_FOLDERS if (SHARED / name / "votes.csv").exists()]


def main(argv: Sequence[str] | None = None) -> None:
    """Print the benchmark for the given folders (default: the shared Pol.is exports)."""
    parser = argparse.ArgumentParser(prog="python -m facilitator.bench.opinion", description=__doc__)
    parser.add_argument("folders", nargs="*", help="Pol.is open-data export folders")
    parser.add_argument("--runs", type=int, default=5, help="analyses per dataset (the median is shown)")
    parser.add_argument("--red-dwarf", dest="red_dwarf", default=os.environ.get("FACILITATOR_RED_DWARF_PYTHON"),
                        help="a Python interpreter with red-dwarf installed, to compare with")
    args = parser.parse_args(argv)
    folders = args.folders or default_folders()
    if not folders:
        print(f"no Pol.is exports given and none under {SHARED}")
        return
    for line in run(folders, args.red_dwarf, args.runs):
        print(line, flush=True)


if __name__ == "__main__":
    main()
