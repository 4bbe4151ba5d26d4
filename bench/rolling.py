"""Rolling restart under load (``python -m bench.rolling [respondents] [step_batches]``).

Three instances behind nginx, on PostgreSQL through PgBouncer, with Redis. Respondents that
behave like the collector (retrying what is retryable) ingest while instance 0 is killed and
started again, then instance 1 stopped and started again (tests/deploy/load.py). The figures:
acknowledged events lost (read back from the database) and the requests whose client saw an
error after its retries, against every request made.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine
from tests.deploy.cluster import Cluster
from tests.deploy.load import audit, nginx_failovers, rolling_restart

from bench import seed
from bench.run import ONE_KEY_LOAD, RESULTS, with_machine


async def _measure(cluster: Cluster, key: str, respondents: int, step: int) -> dict[str, Any]:
    restart = await rolling_restart(cluster, key, respondents, step)
    engine = create_async_engine(cluster.pg_url)
    try:
        found = await audit(engine, restart.tally)
    finally:
        await engine.dispose()
    tally = restart.tally
    errors = tally.gave_up + len(tally.refused)
    return {
        "respondents": respondents,
        "steps": restart.steps,
        "seconds": round(restart.seconds, 1),
        "requests": tally.requests,
        "acknowledged_batches": len(tally.acked),
        "acknowledged_events": sum(tally.acked.values()),
        "acknowledged_batches_lost": len(found.lost),
        "sessions_miscounted": len(found.miscounted),
        "client_retries": dict(tally.retried),
        "client_errors_after_retries": errors,
        "client_error_rate": errors / tally.requests if tally.requests else None,
        "refused_examples": tally.refused[:5],
        "failed_over_by_nginx": nginx_failovers(cluster),
    }


def run_rolling(respondents: int, step: int) -> dict[str, Any]:
    url = seed.create_pg_database(os.environ["BOTSIEVE_TEST_PG_URL"])
    with (
        tempfile.TemporaryDirectory(prefix="botsieve-bench-rolling-") as tmp,
        Cluster(Path(tmp), url, instances=3, **ONE_KEY_LOAD) as cluster,
    ):
        return asyncio.run(_measure(cluster, cluster.key(), respondents, step))


def rolling_markdown(r: dict[str, Any]) -> str:
    m = r.get("machine", {})
    rate = r["client_error_rate"] or 0.0
    return "\n".join(
        [
            "Rolling restart under load (`python -m bench.rolling`): three instances behind "
            "nginx on PostgreSQL through PgBouncer; instance 0 killed (SIGKILL) and started "
            "again, then instance 1 stopped (SIGTERM) and started again, while "
            f"{r['respondents']} collector-like clients ingest.",
            "",
            f"Load averages before / after: {m.get('load_before', '?')} / "
            f"{m.get('load_after', '?')} ({m.get('date', '')}).",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| requests made | {r['requests']:,} in {r['seconds']} s |",
            f"| acknowledged events | {r['acknowledged_events']:,} "
            f"({r['acknowledged_batches']:,} batches) |",
            f"| acknowledged batches lost | {r['acknowledged_batches_lost']} |",
            f"| client-visible errors after retries | {r['client_errors_after_retries']} "
            f"({rate:.3%}; objective ≤ 0.1%) |",
            f"| retries by the clients | {r['client_retries']} |",
            f"| requests nginx failed over to another instance | {r['failed_over_by_nginx']} |",
        ]
    )


def main() -> None:
    args = sys.argv[1:]
    respondents = int(args[0]) if args else 12
    step = int(args[1]) if len(args) > 1 else 150
    results = with_machine(lambda: run_rolling(respondents, step))
    (RESULTS / "rolling.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "rolling.md").write_text(rolling_markdown(results) + "\n")
    print(rolling_markdown(results))


if __name__ == "__main__":
    main()
