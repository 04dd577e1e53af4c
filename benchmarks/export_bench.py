"""Time every export format on a session of 5,000 participants, 1,500 positions and 100,000 reactions.

Run: python benchmarks/export_bench.py  (same as `facilitator bench-export`).
"""

from facilitator.bench.export import run_benchmark

if __name__ == "__main__":
    for line in run_benchmark(5000, 1500, 100_000, None):
        print(line, flush=True)
