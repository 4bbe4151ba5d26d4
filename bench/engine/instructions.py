"""Instructions per analysis of the 10,000-event session: ``python -m bench.engine.instructions``.

CPU milliseconds move with the machine's load and clock; the count of instructions does not, so
it compares two versions of the engine on a busy machine and travels between machines of one
architecture. Counted by valgrind's callgrind (Debian's ``valgrind``) over a run with
``ANALYSES`` analyses minus a run with none (start-up, imports and building the session).
Writes ``bench/results/engine-instructions.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.engine.__main__ import ARTIFACT, RESULTS, bench_session

ANALYSES = 20


def _analyse(times: int) -> None:
    from botsieve.engine import analyze, load_model

    model = load_model(json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {})
    session = bench_session()
    for _ in range(times):
        analyze(session, model)


def _instructions(times: int, workdir: Path) -> int:
    out = workdir / f"callgrind.{times}"
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.engine.instructions",
            "--inner",
            str(times),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    )
    totals = re.search(r"^totals:\s+(\d+)", out.read_text(), re.MULTILINE)
    if totals is None:
        raise RuntimeError(f"callgrind wrote no totals to {out}")
    return int(totals.group(1))


def main() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        base = _instructions(0, Path(tmp))
        full = _instructions(ANALYSES, Path(tmp))
    per = (full - base) // ANALYSES
    result = {"events": bench_session().event_count, "analyses": ANALYSES, "instructions": per}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "engine-instructions.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        _analyse(int(sys.argv[2]))
    else:
        main()
