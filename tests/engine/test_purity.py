"""The engine is a library: numpy, the standard library and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import botsieve.engine

ENGINE_DIR = Path(botsieve.engine.__file__).parent
ALLOWED_ROOTS = set(sys.stdlib_module_names) | {"numpy"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.append("botsieve.engine")  # relative: inside the engine
            elif node.module:
                names.append(node.module)
    return names


def test_engine_imports_only_numpy_stdlib_and_itself() -> None:
    modules = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(modules) >= 10
    offenders = [
        (p.relative_to(ENGINE_DIR), name)
        for p in modules
        for name in _imports(p)
        if not (
            name.split(".")[0] in ALLOWED_ROOTS
            or name == "botsieve.engine"
            or name.startswith("botsieve.engine.")
        )
    ]
    assert offenders == []


def test_the_purity_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from botsieve.sessions import codec\nimport sqlalchemy\n")
    assert _imports(bad) == ["botsieve.sessions", "sqlalchemy"]
