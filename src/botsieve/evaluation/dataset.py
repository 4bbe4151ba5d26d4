"""The labelled evaluation set: people from the corpus, bots from the zoo and the corpus.

People are split by person into ``FOLDS`` folds (a SapiMouse person and the Aalto typists
paired with them share a fold; a webbot session is its own person). A few SapiMouse people
are kept apart as the replay farm's recorded library and never appear as people. Training
sees people's typing only from ``typists`` (the Aalto data may only measure): every session
with Aalto typing has a twin with synthetic typing, used wherever a model is trained. Sessions
are dealt into surveys of about ``SURVEY_SIZE``; each session's cross-session context holds
the trajectory signatures of the others in its survey, and each farm attack replays its
library into one survey, as a farm would.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from botsieve.engine import extract_features, fusion, session_strokes, trajectory_signature
from botsieve.engine.analyze import blur_timing
from botsieve.engine.detectors import REGISTRY, learned_feature_names
from botsieve.engine.types import CrossSessionContext, SessionInput
from botsieve.evaluation import assemble, corpus, families, zoo
from botsieve.evaluation.fit import TrainingSet
from botsieve.evaluation.typists import synthetic_typist

FOLDS = 5
# Made-up typists whose sentences stand in for people's typing wherever a model is trained.
SYNTHETIC_TYPISTS = 120
SURVEY_SIZE = 40
LIBRARY_PEOPLE = 8
FARM_ATTACKS = 12
REPLAYS_PER_ATTACK = 12
HUMAN_FAMILY = "human"
CORPUS_BOT_FAMILIES = ("advanced_bot", "moderate_bot")
# Measured but never trained on, and held to no target: they show where detection ends.
STRESS_FAMILIES: tuple[str, ...] = ()
# Families that replay one stroke library into one survey, this many sessions at a time.
LIBRARY_FARMS = ("stroke_library", "os_replay")
FARM_SURVEY_SESSIONS = 50


@dataclass(frozen=True)
class Config:
    """How much to build. ``small()`` is the quick deterministic set the tests use."""

    seed: int = 7
    bots_per_family: int = 150
    aalto_people: int = 160
    sapi_people: int | None = None
    farm_attacks: int = FARM_ATTACKS
    # Balabit sessions are hours long: at most this many one-minute stretches per person.
    balabit_chunks: int = 60
    # Sessions a stroke-library farm sends into one survey.
    farm_survey_sessions: int = FARM_SURVEY_SESSIONS

    @classmethod
    def small(cls) -> Config:
        return cls(
            bots_per_family=60, aalto_people=60, sapi_people=40, farm_attacks=6, balabit_chunks=30
        )


@dataclass
class Labelled:
    """``session`` is what is scored; ``train_session`` what training sees (the same session
    with synthetic typing in place of Aalto typing), if different."""

    session: SessionInput
    family: str
    person: str
    fold: int = -1  # -1: drawn from the person's name
    train_session: SessionInput | None = None

    @property
    def is_bot(self) -> bool:
        return self.family != HUMAN_FAMILY


def _people_sessions(
    root: Path, cfg: Config, rng: np.random.Generator
) -> tuple[list[Labelled], list[SessionInput]]:
    traces = corpus.read_sapimouse(root)
    balabit = corpus.read_balabit(root) if (root / "balabit").is_dir() else []
    typists = corpus.read_aalto(root, limit=cfg.aalto_people)
    people = sorted({t.person for t in traces})
    rng.shuffle(people)
    if cfg.sapi_people:
        people = people[: cfg.sapi_people + LIBRARY_PEOPLE]
    library_people = set(people[:LIBRARY_PEOPLE])
    fold_of = {p: i % FOLDS for i, p in enumerate(people[LIBRARY_PEOPLE:])}
    remote = sorted({t.person for t in balabit})
    fold_of.update({p: i % FOLDS for i, p in enumerate(remote)})
    typist_names = sorted(typists)
    rng.shuffle(typist_names)
    typist_fold = {name: i % FOLDS for i, name in enumerate(typist_names)}
    by_fold = {f: [n for n in typist_names if typist_fold[n] == f] for f in range(FOLDS)}
    synthetic = [
        synthetic_typist(f"synthetic-{i}", np.random.default_rng([cfg.seed, 99, i]))
        for i in range(SYNTHETIC_TYPISTS)
    ]
    out: list[Labelled] = []
    library: list[SessionInput] = []
    for trace, chunk in _stretches(traces, balabit, cfg, rng):
        if trace.person not in fold_of and trace.person not in library_people:
            continue
        fake = synthetic[int(rng.integers(len(synthetic)))]
        fake_pick = [fake[int(i)] for i in rng.choice(len(fake), 3, replace=False)]
        seed = int(rng.integers(2**32))
        if trace.person in library_people:
            library.append(assemble.human_session(chunk, fake_pick, np.random.default_rng(seed)))
            continue
        pool = by_fold[fold_of[trace.person]]
        name = pool[int(rng.integers(len(pool)))]
        sentences = typists[name]
        pick = rng.choice(len(sentences), min(3, len(sentences)), replace=False)
        session = assemble.human_session(
            chunk, [sentences[i] for i in pick], np.random.default_rng(seed)
        )
        twin = assemble.human_session(chunk, fake_pick, np.random.default_rng(seed))
        out.append(Labelled(session, HUMAN_FAMILY, trace.person, fold_of[trace.person], twin))
    for web in corpus.read_webbot(root):
        family = HUMAN_FAMILY if web.label == "human" else web.label
        for s in assemble.web_sessions(web, rng):
            out.append(Labelled(s, family, f"web-{web.session}"))
    return out, library


def _open_world_families(strokes: list[zoo.Path]) -> dict[str, zoo.Family]:
    """The families built as their authors would (see ``families``); those that need
    recorded strokes only when the library has some."""
    out: dict[str, zoo.Family] = {"typing_agent": families.TYPING_AGENT}
    if strokes:
        out["stroke_library"] = zoo.stroke_library_family(strokes)
        out["learned_generator"] = families.generator_family(families.fit_stroke_model(strokes))
        out["os_replay"] = families.os_replay_family(strokes)
    return out


def _stretches(
    traces: list[corpus.MouseTrace],
    remote: list[corpus.MouseTrace],
    cfg: Config,
    rng: np.random.Generator,
) -> list[tuple[corpus.MouseTrace, corpus.MouseTrace]]:
    """(trace, one-minute stretch) pairs: every SapiMouse stretch, and a random sample of
    ``cfg.balabit_chunks`` stretches per Balabit person."""
    out = [(tr, chunk) for tr in traces for chunk in assemble.chunk_trace(tr)]
    by_person: dict[str, list[tuple[corpus.MouseTrace, corpus.MouseTrace]]] = {}
    for tr in remote:
        by_person.setdefault(tr.person, []).extend((tr, c) for c in assemble.chunk_trace(tr))
    for person in sorted(by_person):
        pairs = by_person[person]
        pick = rng.choice(len(pairs), min(cfg.balabit_chunks, len(pairs)), replace=False)
        out += [pairs[int(i)] for i in sorted(pick)]
    return out


def build(root: Path, cfg: Config) -> tuple[list[Labelled], np.ndarray]:
    """All labelled sessions (contexts filled in) and their folds."""
    rng = np.random.default_rng(cfg.seed)
    items, library = _people_sessions(root, cfg, rng)
    for family in zoo.FAMILIES:
        for i in range(cfg.bots_per_family):
            session = zoo.bot_session(family, np.random.default_rng([cfg.seed, i, len(family)]))
            items.append(Labelled(session, family, f"{family}-{i}"))
    # Surveys: everyone else dealt at random, then one farm attack per survey.
    order = rng.permutation(len(items))
    n_surveys = max(1, len(items) // SURVEY_SIZE)
    survey = np.empty(len(items), dtype=np.int64)
    survey[order] = np.arange(len(items)) % n_surveys
    farm_items, farm_survey = [], []
    for attack in range(cfg.farm_attacks):
        recorded = rng.choice(len(library), min(4, len(library)), replace=False)
        for j in range(REPLAYS_PER_ATTACK):
            src = library[int(recorded[j % len(recorded)])]
            farm_items.append(Labelled(zoo.replay(src, rng), "replay_farm", f"farm-{attack}-{j}"))
            farm_survey.append(attack % n_surveys)
    items += farm_items
    strokes = [s for rec in library for s in zoo.harvest_strokes(rec)]
    for j, (name, fam) in enumerate(_open_world_families(strokes).items()):
        for i in range(cfg.bots_per_family):
            session = zoo.bot_session(fam, np.random.default_rng([cfg.seed, i, 99 + j]))
            items.append(Labelled(session, name, f"{name}-{i}"))
            if name in LIBRARY_FARMS:
                # A farm answers one survey many times from one stroke library.
                farm_survey.append((j * 7 + i // cfg.farm_survey_sessions) % n_surveys)
            else:
                farm_survey.append(int(rng.integers(n_surveys)))
    survey = np.r_[survey, np.array(farm_survey, dtype=np.int64)]
    signatures = [
        trajectory_signature(
            it.session.events.get("mousemove", {}).get("x", np.zeros(0)),
            it.session.events.get("mousemove", {}).get("y", np.zeros(0)),
        )
        for it in items
    ]
    stroke_sigs = [session_strokes(it.session) for it in items]
    for sv in np.unique(survey):
        members = np.flatnonzero(survey == sv).tolist()
        for i in members:
            peers = [signatures[j] for j in members if j != i and signatures[j].size]
            sigs = np.vstack(peers) if peers else np.zeros((0, 0))
            peer_strokes = [stroke_sigs[j] for j in members if j != i and stroke_sigs[j].size]
            ctx = CrossSessionContext(
                trajectory_signatures=sigs,
                stroke_signatures=np.vstack(peer_strokes) if peer_strokes else np.zeros((0, 0)),
            )
            items[i].session = dataclasses.replace(items[i].session, context=ctx)
            twin = items[i].train_session
            if twin is not None:
                items[i].train_session = dataclasses.replace(twin, context=ctx)
    persons = sorted({it.person for it in items})
    person_fold = {p: i % FOLDS for i, p in enumerate(rng.permutation(persons).tolist())}
    # SapiMouse people keep the fold their typists were drawn from.
    fold = np.array([it.fold if it.fold >= 0 else person_fold[it.person] for it in items])
    return items, fold


def sources(items: list[Labelled]) -> np.ndarray:
    """Where each session's behaviour comes from: ``sapimouse``, ``webbot``, ``balabit`` or
    ``zoo``."""
    prefixes = {"sapi-": "sapimouse", "web-": "webbot", "balabit-": "balabit"}
    return np.array(
        [
            next((name for pre, name in prefixes.items() if it.person.startswith(pre)), "zoo")
            for it in items
        ]
    )


def feature_row(session: SessionInput, names: tuple[str, ...]) -> tuple[list[float], Any]:
    """One session's learned features, and its evidence (after the clock check ``analyze``
    does)."""
    evidence, flat = extract_features(session)
    coarse = blur_timing(evidence, flat, session.environment)
    return [flat.get(n, np.nan) for n in names], (evidence, coarse)


def features(items: list[Labelled], fold: np.ndarray) -> tuple[TrainingSet, np.ndarray]:
    """The training set over ``learned_feature_names()`` and each row's family name."""
    names = learned_feature_names()
    rows, eval_rows, rules, proof, shared, thin = [], [], [], [], [], []
    for it in items:
        row, (evidence, coarse) = feature_row(it.session, names)
        eval_rows.append(row)
        rows.append(
            feature_row(it.train_session, names)[0] if it.train_session is not None else row
        )
        rules.append([evidence[d.name].rule_logit for d in REGISTRY])
        shared.append(sum(e.shared_logit for e in evidence.values()))
        proof.append(any(e.proof for e in evidence.values()))
        measured = {n: e.observed for n, e in evidence.items()}
        thin.append(bool(fusion.missing_evidence(measured, coarse, fusion.pointer_set(evidence))))
    family = np.array([it.family for it in items])
    y = (family != HUMAN_FAMILY).astype(np.int64)
    weight = np.ones(len(items))
    weight[y == 0] = 1.0 / max(int((y == 0).sum()), 1)
    bot_families = [f for f in np.unique(family) if f != HUMAN_FAMILY]
    for f in bot_families:
        sel = family == f
        weight[sel] = 1.0 / (sel.sum() * len(bot_families))
    rule_matrix = np.array(rules, dtype=np.float64).reshape(len(items), len(REGISTRY))
    ts = TrainingSet(
        names=names,
        X=np.array(rows, dtype=np.float64),
        X_eval=np.array(eval_rows, dtype=np.float64),
        y=y,
        weight=weight * len(items),
        fold=fold,
        rule_logit=rule_matrix.sum(axis=1),
        proof=np.array(proof, dtype=bool),
        rules=rule_matrix,
        shared=np.array(shared, dtype=np.float64),
        thin=np.array(thin, dtype=bool),
        group=sources(items),
    )
    return ts, family
