"""Copies the latest benchmark tables into the README, between its bench markers."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TABLES = ("service.md", "engine.md")


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit("README.md has no bench markers")
    parts = [
        (ROOT / "bench" / "results" / name).read_text().strip()
        for name in TABLES
        if (ROOT / "bench" / "results" / name).exists()
    ]
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(head + START + "\n" + "\n\n".join(parts) + "\n" + END + tail)


if __name__ == "__main__":
    main()
