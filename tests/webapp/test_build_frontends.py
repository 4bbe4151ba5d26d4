"""scripts/build-frontends.sh rebuilds a front end only when its sources changed, installs its
dependencies only when the lockfile changed, and with nothing changed calls no npm at all (so
`make run` restarts offline). Run on a copy of the script with an npm that logs its calls."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_NPM = """#!/usr/bin/env bash
echo "$(basename "$PWD") $*" >> "$NPM_LOG"
[ -n "${NPM_FAILS:-}" ] && exit 1
if [ "$1" = run ]; then
  case "$(basename "$PWD")" in
    js) mkdir -p dist && echo built > dist/botsieve.min.js ;;
    dashboard) mkdir -p dist && echo built > dist/index.html ;;
  esac
fi
exit 0
"""


def _checkout(tmp: Path) -> Path:
    repo = tmp / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "build-frontends.sh", repo / "scripts")
    for suite, source in (("sdk/js", "src/index.ts"), ("dashboard", "src/main.tsx")):
        (repo / suite / "src").mkdir(parents=True)
        (repo / suite / "package.json").write_text("{}")
        (repo / suite / "package-lock.json").write_text("{}")
        (repo / suite / source).write_text("one")
    (repo / "docs" / "snippets").mkdir(parents=True)
    (repo / "docs" / "snippets" / "quick-start.html").write_text("<script></script>")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "npm").write_text(FAKE_NPM)
    (bin_dir / "npm").chmod(0o755)
    return repo


def _run(repo: Path, **env: str) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    log = repo.parent / "npm.log"
    log.unlink(missing_ok=True)
    done = subprocess.run(
        ["bash", str(repo / "scripts" / "build-frontends.sh")],
        env={
            **os.environ,
            "PATH": f"{repo.parent / 'bin'}:{os.environ['PATH']}",
            "NPM_LOG": str(log),
            **env,
        },
        capture_output=True,
        text=True,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return calls, done


def test_builds_once_then_calls_no_npm(tmp_path):
    repo = _checkout(tmp_path)
    calls, done = _run(repo)
    assert done.returncode == 0, done.stderr
    assert calls == [
        "js ci --no-audit --no-fund --loglevel=error",
        "js run build",
        "dashboard ci --no-audit --no-fund --loglevel=error",
        "dashboard run build",
    ]
    calls, done = _run(repo)
    assert (calls, done.returncode) == ([], 0)
    assert "dashboard: up to date" in done.stdout


def test_a_changed_source_rebuilds_only_its_front_end_without_reinstalling(tmp_path):
    repo = _checkout(tmp_path)
    _run(repo)
    (repo / "dashboard" / "src" / "main.tsx").write_text("two")
    assert _run(repo)[0] == ["dashboard run build"]
    (repo / "docs" / "snippets" / "quick-start.html").write_text("<script>2</script>")
    assert _run(repo)[0] == ["dashboard run build"]


def test_a_changed_lockfile_reinstalls(tmp_path):
    repo = _checkout(tmp_path)
    _run(repo)
    (repo / "sdk" / "js" / "package-lock.json").write_text('{"v": 2}')
    assert _run(repo)[0] == ["js ci --no-audit --no-fund --loglevel=error", "js run build"]


def test_offline_keeps_serving_the_previous_build_and_fails_without_one(tmp_path):
    repo = _checkout(tmp_path)
    _run(repo)
    (repo / "sdk" / "js" / "package-lock.json").write_text('{"v": 2}')
    _, done = _run(repo, NPM_FAILS="1")
    assert done.returncode == 0
    assert "serving the previous build" in done.stderr
    shutil.rmtree(repo / "sdk" / "js" / "dist")
    _, done = _run(repo, NPM_FAILS="1")
    assert done.returncode == 1
    assert "no previous build" in done.stderr
