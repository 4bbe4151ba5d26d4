"""Engine time with stroke-library matching across a survey: ``python -m bench.strokes``.

The 10,000-event session of ``bench.engine`` is analysed with the stroke and path signatures of
10, 100 and 1,000 other sessions of its survey in its context (generated hand-like sessions,
no corpus data), as the service passes them. Prints the figures and writes
``bench/results/strokes.json`` and ``strokes.md``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bench.engine.__main__ import ARTIFACT, RESULTS, bench_session  # noqa: E402
from botsieve.engine import (  # noqa: E402
    CrossSessionContext,
    analyze,
    load_model,
    session_signature,
    session_strokes,
)

SURVEY_SIZES = (10, 100, 1000)
REPEATS = 50
BUDGET_MS = 20.0


def _peers(n: int) -> CrossSessionContext:
    """Signatures of ``n`` other sessions: a few distinct sessions, their rows repeated."""
    distinct = [bench_session(events=1500, seed=100 + i) for i in range(min(n, 20))]
    strokes = [session_strokes(s) for s in distinct]
    paths = [np.asarray(session_signature(s)) for s in distinct]
    reps = [i % len(distinct) for i in range(n)]
    return CrossSessionContext(
        trajectory_signatures=np.vstack([paths[i] for i in reps]),
        stroke_signatures=np.vstack([strokes[i] for i in reps]).astype(np.float32),
    )


def main() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    model = load_model(json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {})
    session = bench_session()
    rows = []
    for n in SURVEY_SIZES:
        s = dataclasses.replace(session, context=_peers(n))
        for _ in range(5):
            analyze(s, model)
        cpu = []
        for _ in range(REPEATS):
            started = time.thread_time()
            analyze(s, model)
            cpu.append((time.thread_time() - started) * 1000)
        rows.append(
            {
                "sessions": n,
                "strokes": int(s.context.stroke_signatures.shape[0]),
                "median_cpu_ms": statistics.median(cpu),
                "p90_cpu_ms": statistics.quantiles(cpu, n=10)[-1],
            }
        )
    result = {"events": session.event_count, "budget_ms": BUDGET_MS, "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "strokes.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = [
        "| other sessions in the survey | their strokes | median CPU | p90 CPU | budget |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['sessions']:,} | {r['strokes']:,} | {r['median_cpu_ms']:.2f} ms "
        f"| {r['p90_cpu_ms']:.2f} ms | {BUDGET_MS:.0f} ms |"
        for r in rows
    ]
    (RESULTS / "strokes.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
