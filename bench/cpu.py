"""CPU time a server spent, read from /proc for the process and every descendant.

A load test on a shared two-core machine measures contention as much as speed; CPU time per
request is what carries to a machine of another size (docs/deploy.md, "Capacity").
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after it.
    return raw[raw.rindex(")") + 2 :].split()


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def seconds(pids: Iterable[int]) -> float:
    """User plus system CPU seconds of these processes and all their descendants."""
    tree = _children()
    todo, total = list(pids), 0.0
    while todo:
        pid = todo.pop()
        fields = _stat(pid)
        if fields is not None:
            # utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
            total += (int(fields[11]) + int(fields[12])) / TICKS
        todo.extend(tree.get(pid, []))
    return total
