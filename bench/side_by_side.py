"""Two versions of the service side by side on SQLite, measured in alternating rounds.

    python -m bench.side_by_side BEFORE_SRC AFTER_SRC [--rounds 6] [--seconds 4]

Each ``*_SRC`` is a ``src`` folder (a checkout of another commit, say): each version gets its
own server and database, both started before the first round. Every round measures the floor,
session creation and single-event ingestion on one server, then on the other, so a slower
minute on a shared machine falls on both. Prints the median server CPU per request, the
requests per second and the ratios to the same server's floor; writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import run

PARTS = ("floor", "session_creation", "ingest_single_event")


def _part(part: str, url: str, key: str, seconds: int, work: Path, pids: list[int]) -> Any:
    if part == "floor":
        return run.floor(url, seconds, pids)
    if part == "session_creation":
        return run.wrk("create.lua", url, seconds, {"BENCH_KEY": key}, pids)
    return run.ingestion(url, key, seconds, 1, work, pids)


def _summary(name: str, runs: dict[str, list[Any]]) -> str:
    def median(part: str, field: str) -> float:
        return statistics.median(r[field] for r in runs[part])

    floor = median("floor", "requests_per_s")
    figures = [
        f"{part} {median(part, 'server_cpu_ms_per_request'):.3f} ms CPU, "
        f"{median(part, 'requests_per_s'):,.0f}/s"
        + ("" if part == "floor" else f", {median(part, 'requests_per_s') / floor:.2f}x floor")
        for part in PARTS
    ]
    return f"{name}: " + "; ".join(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    versions = {"before": args.before.resolve(), "after": args.after.resolve()}
    runs: dict[str, dict[str, list[Any]]] = {v: {p: [] for p in PARTS} for v in versions}
    with contextlib.ExitStack() as stack:
        measure: dict[str, Callable[[str], Any]] = {}
        for name, src in versions.items():
            # The server inherits this process's environment: its PYTHONPATH picks the version.
            os.environ["PYTHONPATH"] = str(src)
            work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            server = stack.enter_context(run.server_for("sqlite", work))
            key, pids = server.create_key("secret"), run.server_pids(server)
            measure[name] = functools.partial(
                _part, url=server.url, key=key, seconds=args.seconds, work=work, pids=pids
            )
            measure[name]("session_creation")  # warm-up, not counted
        for number in range(args.rounds):
            for name in versions:
                for part in PARTS:
                    runs[name][part].append(measure[name](part))
            print(f"round {number + 1}/{args.rounds}, load {run.load_average()}", flush=True)
    for name in versions:
        print(_summary(name, runs[name]))


if __name__ == "__main__":
    main()
