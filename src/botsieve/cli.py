"""The ``botsieve`` command: serve, migrate, manage keys, and the engine's train and eval."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from botsieve.kit.commands import run_with_db
from botsieve.kit.settings import get_settings

app = typer.Typer(help="botsieve: tells people from bots in online surveys.", no_args_is_help=True)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@app.command()
def migrate() -> None:
    """Apply database migrations up to the latest."""
    from botsieve.migrations import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    typer.echo(f"database is up to date: {settings.resolved_database_url}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes")] = None,
) -> None:
    """Apply migrations, then serve the API, dashboard and docs."""
    import uvicorn

    # Workers read their settings from the environment, so the flags go there.
    for name, value in (("HOST", host), ("PORT", port), ("WORKERS", workers)):
        if value is not None:
            os.environ[f"BOTSIEVE_{name}"] = str(value)
    settings = get_settings()
    if settings.migrate_on_start:
        migrate()
    if settings.workers > 1:
        _share_metrics_across_workers(settings.data_dir)
    uvicorn.run(
        "botsieve.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        access_log=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
    )


def _share_metrics_across_workers(data_dir: Path) -> None:
    """Prometheus' multiprocess mode, so that /metrics counts every worker, not the one asked.

    Each worker writes its samples to files in one folder and /metrics adds them up. The workers
    start as fresh interpreters and read the variable when they import prometheus_client. The
    folder is emptied first: files left by an earlier run would be counted again.
    """
    folder = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(data_dir / "metrics")))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


@keys_app.command("create")
def keys_create(
    kind: Annotated[str, typer.Option(help="publishable (survey pages) or secret")] = "secret",
    name: Annotated[str, typer.Option(help="A name to recognise the key by")] = "default",
    origin: Annotated[
        list[str] | None, typer.Option(help="Allowed origin of a publishable key (repeatable)")
    ] = None,
) -> None:
    """Create a key. The key itself is printed once, on the last line."""
    from botsieve.auth.service import create_key

    if kind not in ("publishable", "secret"):
        typer.echo("error: --kind is publishable or secret", err=True)
        raise typer.Exit(code=2)
    created = run_with_db(
        lambda db: create_key(db, name=name, kind=kind, allowed_origins=origin)  # type: ignore[arg-type]
    )
    typer.echo(f"created {created.kind} key {created.prefix}... ({created.name})")
    if created.allowed_origins:
        typer.echo(f"allowed origins: {', '.join(created.allowed_origins)}")
    typer.echo(created.key)


@keys_app.command("list")
def keys_list(
    all_keys: Annotated[bool, typer.Option("--all", help="Include revoked keys")] = False,
) -> None:
    """List keys (never the keys themselves)."""
    from botsieve.auth.service import list_keys

    for key in run_with_db(lambda db: list_keys(db, include_revoked=all_keys)):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        origins = ",".join(key.allowed_origins) or "-"
        typer.echo(f"{key.id}  {key.prefix}...  {key.kind:<11}  {state:<18}  {origins}  {key.name}")


@keys_app.command("revoke")
def keys_revoke(key: Annotated[str, typer.Argument(help="The key, its prefix, or its id")]) -> None:
    """Revoke a key; it stops working within a few seconds on every worker."""
    from botsieve.auth.service import revoke_key

    run_with_db(lambda db: revoke_key(db, key))
    typer.echo("revoked")


@app.command("dev-key")
def dev_key() -> None:
    """Print the development secret key (made once, kept in the data folder)."""
    from botsieve.auth.service import ensure_stored_key

    settings = get_settings()
    if settings.env != "development":
        typer.echo("error: dev-key is for development; use 'botsieve keys create'", err=True)
        raise typer.Exit(code=2)
    key = run_with_db(
        lambda db: ensure_stored_key(
            db, settings.data_dir / "dev_key", name="development", kind="secret", origins=[]
        )
    )
    typer.echo(key)


@app.command()
def purge() -> None:
    """Delete sessions expired for longer than the retention setting, now."""
    from botsieve.maintenance.service import purge_expired, retention_in_force

    async def purge_now(db: AsyncSession) -> int:
        days = await retention_in_force(db, get_settings().retention_days)
        return await purge_expired(db, days)

    deleted = run_with_db(purge_now)
    typer.echo(f"deleted {deleted} sessions")


@app.command("rebuild-rollups")
def rebuild_rollups() -> None:
    """Count the overview's hourly counters again: sessions and verdicts from the sessions
    table, events from the stored batches (docs/service.md)."""
    from botsieve.dashboard.rollups import rebuild

    typer.echo(f"rebuilt {run_with_db(rebuild)} hourly rows")


def _register_optional(module: str, target: Any) -> None:
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module).register(target)


_register_optional("botsieve.evaluation.commands", app)
_register_optional("botsieve.users.commands", app)
_register_optional("botsieve.privacy.commands", app)


def main() -> None:
    app()
