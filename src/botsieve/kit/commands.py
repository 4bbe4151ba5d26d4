"""Plumbing for the command line: run one piece of async database work in a transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.db import create_engine, create_sessionmaker, transaction
from botsieve.kit.encryption import Keyring, use_keyring
from botsieve.kit.errors import BotsieveError
from botsieve.kit.settings import get_settings

T = TypeVar("T")


def run_with_db(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; a domain error ends the command with code 1."""

    async def run() -> T:
        settings = get_settings()
        use_keyring(Keyring.from_settings(settings))
        engine = create_engine(
            settings.resolved_database_url, statement_cache=settings.database_statement_cache
        )
        try:
            async with transaction(create_sessionmaker(engine)) as db:
                return await work(db)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except BotsieveError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from None
