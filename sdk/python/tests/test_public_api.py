"""The package's surface: small, sorted, and the same for both clients."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path

import botsieve_client
from botsieve_client import AsyncClient, Client, models


def test_all_is_sorted_and_importable() -> None:
    for module in (botsieve_client, models):
        assert module.__all__ == sorted(module.__all__)
        for name in module.__all__:
            assert hasattr(module, name), name


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in {"close", "aclose"}
    }


def test_both_clients_have_the_same_methods_and_parameters() -> None:
    sync, async_ = public_methods(Client), public_methods(AsyncClient)
    assert sorted(sync) == sorted(async_)
    assert len(sync) == 14
    for name in sync:
        assert list(sync[name].parameters) == list(async_[name].parameters), name


def test_every_async_method_is_awaitable_or_an_async_iterator() -> None:
    for name, member in inspect.getmembers(AsyncClient, inspect.isfunction):
        if name.startswith("_") and name not in {"__aenter__", "__aexit__"}:
            continue
        if name == "iter_sessions":
            assert inspect.isasyncgenfunction(member)
        else:
            assert inspect.iscoroutinefunction(member), name


PACKAGE = Path(botsieve_client.__file__).parent


def test_the_sdk_never_imports_the_service() -> None:
    for source in PACKAGE.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert "botsieve" not in roots, f"{source.name} imports the service"


def test_it_depends_on_httpx_and_pydantic_only() -> None:
    meta = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text())["project"]
    assert meta["name"] == "botsieve-client"
    assert sorted(re.split(r"[<>=!~ ]", d)[0] for d in meta["dependencies"]) == [
        "httpx",
        "pydantic",
    ]
