"""200 respondents at once: the entry check and the end-of-survey score call in a burst.

    python -m bench.integrations_burst [--respondents 200] [--first 150] [--events 600]
        [--workers 1] [--spread 0] [--settle|--no-settle] [--key-cache-seconds 5]
        [--db sqlite|postgresql] [--out FILE]

Starts a real ``botsieve serve`` (SQLite, or BOTSIEVE_TEST_PG_URL's server), makes one
collector session per respondent with its first page of behaviour (``--first`` pointer
moves), then fires every respondent's entry check at the same instant (one connection each,
opened beforehand), sends the rest of each session's events (``--events`` in all), and fires
every end-of-survey call at the same instant; then the same calls again (the stored verdict).
With ``--settle`` (the default) each burst waits until the server has analysed every session
(it does so once a session's batches pause): respondents whose behaviour arrived over minutes.
``--no-settle`` fires right after the last batch: the calls find no analysis yet and answer
``provisional`` (each burst counts the statuses it got; a provisional is not a verdict).

For each burst: the latency each respondent saw (median, p90, p99, max), the burst's wall
time, the server's CPU time per call (every process of the server, from /proc), PostgreSQL's
(every ``postgres`` process: on one machine its backends take cores from the server too), and
the machine's load average before and after: on a shared machine the load says how much of it
the figure had. In a burst, the last call waits for the ones before it, so p99 is about
``respondents x CPU per call / cores``: the CPU per call is the figure to cut. ``--spread``
lets the same calls arrive at random moments of a window (200 respondents finishing within
10 s is 20 calls a second) instead of in the same millisecond. ``--key-cache-seconds`` is how
long the server remembers the integration's token and the survey's rule (the product's
default; 0 reads both from the database on every call, as the test servers do).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from tests.factories import mouse_path
from tests.live_server import LiveServer

from botsieve.kit.settings import Settings

SURVEY = "SV_burst0000000001"
SCORE = "/api/v1/integrations/qualtrics/score"
ENTRY = "/api/v1/integrations/qualtrics/entry"


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every process in the server's process group (its workers too)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def named_cpu_seconds(name: str) -> float:
    """User + system CPU of every process called ``name`` (the database server's backends: on
    a loopback PostgreSQL they share the cores with the service)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")] != name:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _session(client: httpx.Client, key: str, respondent: str, events: int) -> dict[str, Any]:
    body = {"platform": "qualtrics", "survey_id": SURVEY, "respondent_id": respondent}
    created: dict[str, Any] = client.post(
        "/api/v1/detection/sessions", json=body, headers=_auth(key)
    ).json()
    _send(client, key, created, 0, events)
    return created


def _send(client: httpx.Client, key: str, session: dict[str, Any], start: int, end: int) -> None:
    reply = client.post(
        f"/api/v1/detection/sessions/{session['session_id']}/events",
        json={"batch_id": f"b{start}", "events": mouse_path(end - start, start_t=start * 16.7)},
        headers={**_auth(key), "X-Session-Token": session["token"]},
    )
    reply.raise_for_status()


class Connection:
    """One respondent's keep-alive HTTP/1.1 connection, as light as a client can be: the
    calling side shares the cores with the server, and a heavy client would be measured too."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, url: str) -> Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer)

    async def post(self, path: str, body: bytes, token: str) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def _burst(
    url: str, pgid: int, calls: list[tuple[str, dict[str, Any]]], token: str, spread: float
) -> dict[str, Any]:
    """Every call at once (``spread`` 0), or each at a random moment of a ``spread``-second
    window, each on its own already-open connection."""
    starts = random.Random(7).sample(range(len(calls)), len(calls))
    connections = await asyncio.gather(*(Connection.open(url) for _ in calls))
    bodies = [(path, orjson.dumps(body)) for path, body in calls]
    go = asyncio.Event()

    async def one(connection: Connection, path: str, body: bytes, at: float) -> tuple[float, str]:
        await go.wait()
        await asyncio.sleep(at)
        started = time.perf_counter()
        status, reply = await connection.post(path, body, token)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status} {reply[:200]!r}")
        return elapsed, str(orjson.loads(reply)["status"])

    offsets = [spread * i / len(calls) for i in starts]
    tasks = [
        asyncio.create_task(one(c, p, b, at))
        for c, (p, b), at in zip(connections, bodies, offsets, strict=True)
    ]
    try:
        await asyncio.sleep(0.2)  # every task waits at the gate
        load_before, cpu_before, wall = _load(), group_cpu_seconds(pgid), time.perf_counter()
        db_before = named_cpu_seconds("postgres")
        client_cpu = time.process_time()
        go.set()
        answers = await asyncio.gather(*tasks)
        wall = time.perf_counter() - wall
        cpu = group_cpu_seconds(pgid) - cpu_before
        db_cpu = named_cpu_seconds("postgres") - db_before
        client_cpu = time.process_time() - client_cpu
    finally:
        for connection in connections:
            connection.close()
    statuses = Counter(status for _, status in answers)
    return {
        **_summary([elapsed for elapsed, _ in answers]),
        # A fast "provisional" is not a verdict: how many calls got one.
        "statuses": dict(sorted(statuses.items())),
        "spread_s": spread,
        "wall_s": round(wall, 2),
        "server_cpu_ms_per_call": round(cpu * 1000 / len(calls), 2),
        # PostgreSQL's backends on this machine (0 on SQLite, which runs inside the server).
        "database_cpu_ms_per_call": round(db_cpu * 1000 / len(calls), 2),
        # The calling side runs on the same cores: its share is not the server's.
        "client_cpu_ms_per_call": round(client_cpu * 1000 / len(calls), 2),
        "load_avg_1m_before": load_before,
        "load_avg_1m_after": _load(),
    }


SETTLE_CEILING_S = 900  # a hang ceiling, not a deadline: the machine may be busy


def _settle(url: str, key: str, sessions: list[dict[str, Any]], events: int) -> None:
    """Until every session's stored analysis has seen its ``events`` (the server analyses a
    session once its batches pause: analysis/background.py)."""
    ceiling = time.monotonic() + SETTLE_CEILING_S
    with httpx.Client(base_url=url, timeout=60) as client:
        for s in sessions:
            path = f"/api/v1/detection/sessions/{s['session_id']}/result"
            while True:
                reply = client.get(path, headers=_auth(key))
                if reply.status_code == 200 and reply.json()["event_count"] >= events:
                    break
                if time.monotonic() > ceiling:
                    raise SystemExit(f"the server did not analyse {s['session_id']} in time")
                time.sleep(0.2)


def run(args: argparse.Namespace, database_url: str | None) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="botsieve-bench-burst-"))
    server = LiveServer(database_url or f"sqlite+inline:///{workdir / 'bench.db'}", workdir)
    server.env["BOTSIEVE_INTEGRATIONS_WORKER_ENABLED"] = "false"
    server.env["BOTSIEVE_RATE_LIMIT_ENABLED"] = "false"
    server.env["BOTSIEVE_WORKERS"] = str(args.workers)
    server.env["BOTSIEVE_KEY_CACHE_SECONDS"] = str(args.key_cache_seconds)
    server.cli("migrate")
    secret = server.create_key("secret")
    server.start()
    assert server.process is not None
    pgid = server.process.pid
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            body = {"platform": "qualtrics", "name": "burst", "survey_id": SURVEY}
            made = client.post("/api/v1/integrations", json=body, headers=_auth(secret)).json()
            token = made["token"]
            respondents = [f"R_{uuid.uuid4().hex[:15]}" for _ in range(args.respondents)]
            sessions = [_session(client, secret, r, args.first) for r in respondents]
        calls = [
            {"survey_id": SURVEY, "response_id": r, "session_id": str(s["session_id"])}
            for r, s in zip(respondents, sessions, strict=True)
        ]
        result: dict[str, Any] = {}
        if args.settle:
            _settle(server.url, secret, sessions, args.first)
        result["entry_check"] = asyncio.run(
            _burst(server.url, pgid, [(ENTRY, c) for c in calls], token, args.spread)
        )
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for s in sessions:
                _send(client, secret, s, args.first, args.events)
        if args.settle:
            _settle(server.url, secret, sessions, args.events)
        result["score_end"] = asyncio.run(
            _burst(server.url, pgid, [(SCORE, c) for c in calls], token, args.spread)
        )
        result["score_repeat"] = asyncio.run(
            _burst(server.url, pgid, [(SCORE, c) for c in calls], token, args.spread)
        )
    finally:
        server.stop()
    return {
        "database": "postgresql" if database_url else "sqlite",
        "settled": args.settle,
        "respondents": args.respondents,
        "events_first_page": args.first,
        "events_per_session": args.events,
        "server_workers": args.workers,
        "key_cache_seconds": args.key_cache_seconds,
        "load_avg_1m_5m_15m_at_start": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        **result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--first", type=int, default=150)
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--spread", type=float, default=0.0, help="seconds over which the calls arrive (0: at once)"
    )
    parser.add_argument(
        "--settle",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="wait until the server has analysed every session before each burst, as for "
        "respondents whose behaviour arrived over minutes (--no-settle: fire right after)",
    )
    parser.add_argument(
        "--key-cache-seconds",
        type=float,
        default=Settings.model_fields["key_cache_seconds"].default,
        help="how long the server remembers tokens and rules (default: the product's)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    pg = os.environ.get("BOTSIEVE_TEST_PG_URL") if args.db == "postgresql" else None
    if args.db == "postgresql" and not pg:
        raise SystemExit("--db postgresql needs BOTSIEVE_TEST_PG_URL (scripts/services.sh start)")
    text = json.dumps(run(args, pg), indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
