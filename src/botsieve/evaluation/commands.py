"""``botsieve train`` and ``botsieve eval``: registered on the project's CLI by ``register``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from botsieve.engine import load_model
from botsieve.evaluation import dataset, diagnose, evaluate, redteam, report
from botsieve.evaluation.corpus import default_corpus_dir
from botsieve.evaluation.fit import single_threaded_blas, train_model

ARTIFACT_DIR = Path(__file__).resolve().parents[1] / "analysis" / "artifacts"
DEFAULT_REPORT = Path("build") / "eval"

CorpusOpt = Annotated[Path | None, typer.Option(help="Corpus folder (default ../shared/corpus).")]
SmallOpt = Annotated[bool, typer.Option("--small", help="A quicker, smaller set.")]


def _config(
    small: bool, seed: int, bots_per_family: int | None = None, farm_survey_sessions: int = 0
) -> dataset.Config:
    base = dataset.Config.small() if small else dataset.Config()
    return dataset.Config(
        seed=seed,
        bots_per_family=bots_per_family or base.bots_per_family,
        aalto_people=base.aalto_people,
        sapi_people=base.sapi_people,
        farm_attacks=base.farm_attacks,
        farm_survey_sessions=farm_survey_sessions or base.farm_survey_sessions,
    )


def _training_set(
    corpus: Path | None, cfg: dataset.Config
) -> tuple[Any, np.ndarray, np.ndarray, list[dataset.Labelled]]:
    root = corpus or default_corpus_dir()
    if not root.is_dir():
        raise typer.BadParameter(f"no corpus at {root}")
    items, fold = dataset.build(root, cfg)
    ts, family = dataset.features(items, fold)
    return ts, family, dataset.sources(items), items


def run_eval(
    corpus: Path | None = None,
    small: bool = False,
    seed: int = 7,
    leave_out: bool = True,
    red_team_queries: int = 0,
    bots_per_family: int | None = None,
    farm_survey_sessions: int = 0,
) -> dict[str, Any]:
    """The evaluation's figures (what ``botsieve eval`` prints), without writing anything.
    With ``red_team_queries``, a feature-aware attacker also searches the model trained on
    everything (the one ``botsieve train`` ships) with that many queries."""
    cfg = _config(small, seed, bots_per_family, farm_survey_sessions)
    ts, family, source, items = _training_set(corpus, cfg)
    with single_threaded_blas():
        result = evaluate.evaluate(ts, family, leave_out=leave_out, source=source, items=items)
        if red_team_queries:
            shipped = load_model(train_model(ts))
            result["red_team"] = redteam.search(shipped, budget=red_team_queries, seed=seed)
    return result


def register(app: typer.Typer) -> None:
    @app.command("train")
    def train(
        corpus: CorpusOpt = None,
        out: Annotated[Path, typer.Option(help="Where to write model.json.")] = ARTIFACT_DIR,
        seed: int = 7,
        small: SmallOpt = False,
    ) -> None:
        """Train the fusion model on the corpus and the bot zoo; write model.json."""
        started = time.perf_counter()
        cfg = _config(small, seed)
        ts, family, _, _ = _training_set(corpus, cfg)
        trained = ~np.isin(family, dataset.STRESS_FAMILIES)
        ts, family = ts.subset(trained), family[trained]
        with single_threaded_blas():
            spec = train_model(ts)
        out.mkdir(parents=True, exist_ok=True)
        (out / "model.json").write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n")
        counts = {str(f): int((family == f).sum()) for f in np.unique(family)}
        meta = {
            "version": spec["version"],
            "threshold": spec["threshold"],
            "features": spec["features"],
            "sessions": counts,
            "seed": seed,
            "small": small,
            "command": f"botsieve train --seed {seed}" + (" --small" if small else ""),
        }
        (out / "model.meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
        typer.echo(
            f"model {spec['version']}: threshold {spec['threshold']:.4f}, "
            f"{len(ts.y)} sessions, {time.perf_counter() - started:.1f}s -> {out / 'model.json'}"
        )

    @app.command("eval")
    def eval_(
        corpus: CorpusOpt = None,
        out: Annotated[
            Path, typer.Option(help="Report folder (HTML, PNG, JSON).")
        ] = DEFAULT_REPORT,
        seed: int = 7,
        small: SmallOpt = False,
        leave_out: Annotated[bool, typer.Option(help="Also leave each bot family out.")] = True,
        record: Annotated[
            Path | None, typer.Option(help="Also write the figures here as the recorded baseline.")
        ] = None,
        red_team_queries: Annotated[
            int, typer.Option(help="Queries the red team may make (0: no red team).")
        ] = 1000,
        bots_per_family: Annotated[
            int, typer.Option(help="Sessions per bot family (0: the set's default).")
        ] = 0,
        farm_survey_sessions: Annotated[
            int,
            typer.Option(help="Sessions a stroke-library farm sends into one survey (0: 50)."),
        ] = 0,
    ) -> None:
        """Measure detection per bot family and per human source, each left out of training;
        the benign-habit suite and the red team; print the table and write the report."""
        started = time.perf_counter()
        result = run_eval(
            corpus,
            small=small,
            seed=seed,
            leave_out=leave_out,
            red_team_queries=red_team_queries,
            bots_per_family=bots_per_family or None,
            farm_survey_sessions=farm_survey_sessions,
        )
        typer.echo(report.table(result))
        command = (
            f"botsieve eval --seed {seed}"
            + (" --small" if small else "")
            + (f" --red-team-queries {red_team_queries}" if red_team_queries != 1000 else "")
            + (f" --bots-per-family {bots_per_family}" if bots_per_family else "")
            + (f" --farm-survey-sessions {farm_survey_sessions}" if farm_survey_sessions else "")
        )
        page = report.write(result, out, command)
        if record is not None:
            record.parent.mkdir(parents=True, exist_ok=True)
            figures = {k: v for k, v in result.items() if k != "curves"}
            baseline = {"command": command, "seed": seed, "small": small, "figures": figures}
            record.write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")
        typer.echo(f"{time.perf_counter() - started:.1f}s; report: {page}")

    @app.command("diagnose")
    def diagnose_(
        corpus: CorpusOpt = None,
        seed: int = 7,
        small: SmallOpt = False,
        family: Annotated[
            list[str] | None,
            typer.Option(help="A bot family to leave out and explain (repeatable)."),
        ] = None,
    ) -> None:
        """Who sets the threshold (each human source left out: its cut, its top people and
        their lines of evidence), and for each ``--family`` left out, what its missed sessions
        show, line by line."""
        ts, families, _, _ = _training_set(corpus, _config(small, seed))
        unknown = sorted(set(family or ()) - set(families.tolist()))
        if unknown:
            raise typer.BadParameter(f"no such bot family: {', '.join(unknown)}")
        with single_threaded_blas():
            lines = diagnose.lines_text(diagnose.threshold_setters(ts))
            for name in family or ():
                lines += diagnose.lines_text(diagnose.missed_lines(ts, families, name))
        typer.echo("\n".join(lines))
