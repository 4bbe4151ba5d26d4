"""Response quality from the answers themselves: careless or fraudulent answering.

Kept apart from the bot probability on purpose: a person can answer carelessly and a bot can
answer plausibly, and researchers decide on each separately. Pure functions, numpy and the
standard library only; the cross-respondent checks (speeding against the median, Mahalanobis
distance, identical open answers) take the earlier respondents' features as an argument.

Thresholds follow the survey-methods literature (Curran 2016, "Methods for the detection of
carelessly invalid responses"; Meade & Craig 2012) and are all overridable per survey.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Flag codes, short so that they fit one Embedded Data field joined by ";".
SPEEDER = "speeder"
STRAIGHTLINE = "straightline"
LONG_RUN = "long_run"
LOW_IRV = "low_irv"
MAHALANOBIS = "mahalanobis_outlier"
EVEN_ODD = "even_odd_inconsistent"
ATTENTION = "attention_failed"
OPEN_EMPTY = "open_empty"
OPEN_GIBBERISH = "open_gibberish"
OPEN_COPY = "open_copy_of_question"
OPEN_DUPLICATE = "open_duplicate"
OPEN_PASTED = "open_pasted"
OPEN_CLASSIFIED = "open_classified"

PENALTIES = {
    SPEEDER: 30,
    STRAIGHTLINE: 20,
    LONG_RUN: 10,
    LOW_IRV: 10,
    MAHALANOBIS: 10,
    EVEN_ODD: 15,
    ATTENTION: 35,
    OPEN_EMPTY: 10,
    OPEN_GIBBERISH: 25,
    OPEN_COPY: 25,
    OPEN_DUPLICATE: 25,
    OPEN_PASTED: 15,
    OPEN_CLASSIFIED: 20,
}

# Optional text classifiers for open answers (e.g. a model that spots machine-written text),
# registered by name and chosen per survey with ``text_classifier``; none is on by default,
# and none may call an outside service unless the operator registers one that does.
TextClassifier = Callable[[str], bool]
TEXT_CLASSIFIERS: dict[str, TextClassifier] = {}


def register_text_classifier(name: str, classifier: TextClassifier) -> None:
    TEXT_CLASSIFIERS[name] = classifier


@dataclass
class QualityConfig:
    """Per-survey settings (an integration's ``config["quality"]``)."""

    speed_fraction: float = 1 / 3
    min_peers_for_median: int = 10
    min_grid_items: int = 5
    long_run_fraction: float = 0.8
    irv_min: float = 0.25
    mahalanobis_alpha: float = 0.001
    min_peers_for_mahalanobis: int = 30
    even_odd_min: float = 0.3
    # question id -> the answer an attentive respondent gives (compared as text)
    attention_checks: dict[str, str] = field(default_factory=dict)
    # question id -> its text, to find answers that copy the question
    question_texts: dict[str, str] = field(default_factory=dict)
    # lists of item ids, one per scale, for the even-odd consistency index
    scales: list[list[str]] = field(default_factory=list)
    min_open_length_for_duplicate: int = 12
    text_classifier: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> QualityConfig:
        known = {k: v for k, v in (config or {}).items() if k in cls.__dataclass_fields__}
        out = cls(**known)
        out.attention_checks = {str(k): str(v) for k, v in out.attention_checks.items()}
        return out


@dataclass
class Answers:
    """One response's answers, platform-neutral.

    ``items``: closed numeric answers by item id (grid rows ``QID5_1``, scale points);
    ``grids``: item ids grouped by grid; ``open``: free-text answers by question id;
    ``choices``: every answer as text (for attention checks); ``pasted``: question ids whose
    text arrived by paste (from the collector's events, when known).
    """

    duration_s: float | None = None
    items: dict[str, float] = field(default_factory=dict)
    grids: dict[str, list[str]] = field(default_factory=dict)
    open: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    pasted: set[str] = field(default_factory=set)


@dataclass
class Quality:
    score: float
    flags: list[str]
    details: dict[str, Any]
    features: dict[str, Any]


# ---- single-response indices -------------------------------------------------------------


def longest_run(values: Sequence[float]) -> int:
    """Length of the longest run of identical consecutive answers."""
    best = run = 0
    previous: float | None = None
    for v in values:
        run = run + 1 if v == previous else 1
        previous = v
        best = max(best, run)
    return best


def is_straightlined(values: Sequence[float]) -> bool:
    return len(values) > 1 and len(set(values)) == 1


def irv(values: Sequence[float]) -> float:
    """Intra-individual response variability: the SD of one person's answers across items."""
    if len(values) < 2:
        return math.nan
    return float(np.std(np.asarray(values, dtype=float), ddof=1))


def even_odd_consistency(items: Mapping[str, float], scales: Sequence[Sequence[str]]) -> float:
    """Correlation of even-item and odd-item scale means across scales, Spearman-Brown adjusted.

    Attentive people answer both halves of a scale alike, so the halves correlate; random
    answering drives the index towards zero. Needs at least three scales; else ``nan``.
    """
    evens, odds = [], []
    for scale in scales:
        present = [items[i] for i in scale if i in items]
        if len(present) < 2:
            continue
        evens.append(float(np.mean(present[1::2])))
        odds.append(float(np.mean(present[0::2])))
    if len(evens) < 3 or np.std(evens) == 0 or np.std(odds) == 0:
        return math.nan
    r = float(np.corrcoef(evens, odds)[0, 1])
    return 2 * r / (1 + r) if r > -1 else -1.0


def chi2_quantile(p: float, dof: int) -> float:
    """Upper-tail chi-square quantile by the Wilson-Hilferty approximation (no scipy)."""
    z = _normal_quantile(1 - p)
    k = float(dof)
    return k * (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 3


def _normal_quantile(q: float) -> float:
    # Acklam's rational approximation is overkill here; bisection on erf is exact enough.
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mahalanobis_d2(vector: np.ndarray, peers: np.ndarray) -> float:
    """Squared Mahalanobis distance of ``vector`` (p,) from the peers' (n, p) distribution."""
    mean = peers.mean(axis=0)
    cov = np.atleast_2d(np.cov(peers, rowvar=False))
    # A small ridge: items that every peer answers alike (collinear, or constant) would make
    # the covariance singular, and a departure along exactly that direction is an outlier.
    ridge = 0.01 * max(float(np.trace(cov)) / len(cov), 1e-6)
    delta = vector - mean
    return float(delta @ np.linalg.solve(cov + ridge * np.eye(len(cov)), delta))


# ---- open answers ------------------------------------------------------------------------

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_VOWELS = set("aeiouyàáâäãåèéêëìíîïòóôöõùúûüæøœ")


def normalise_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()[:16]


def is_gibberish(text: str) -> bool:
    """Keyboard mashing and letter soup: no vowels, long consonant runs, keyboard rows.

    Deliberately conservative (short answers such as "ok" or "n/a" are not gibberish), and
    only for alphabetic scripts with vowels; other scripts are never flagged.
    """
    cleaned = text.strip().lower()
    words = _WORD.findall(cleaned)
    letters = "".join(words)
    if len(letters) < 5:
        return False
    if not all(ch.isascii() for ch in letters) and not any(ch in _VOWELS for ch in letters):
        return False
    vowel_share = sum(ch in _VOWELS for ch in letters) / len(letters)
    if vowel_share < 0.12:
        return True
    if len(set(letters)) <= 2:
        return True
    for row in KEYBOARD_ROWS:
        for start in range(len(row) - 3):
            if row[start : start + 4] in letters:
                return True
    longest_consonants = max(
        (len(m) for m in re.findall(r"[bcdfghjklmnpqrstvwxz]+", letters)), default=0
    )
    return longest_consonants >= 6


def copies_question(answer: str, question: str) -> bool:
    """The answer repeats the question (or most of it): a common trait of scripted fillers."""
    a, q = normalise_text(answer), normalise_text(question)
    if len(a) < 8 or not q:
        return False
    if a in q or q in a:
        return True
    a_words, q_words = set(a.split()), set(q.split())
    return len(a_words) >= 4 and len(a_words & q_words) / len(a_words) >= 0.9


# ---- the whole assessment ----------------------------------------------------------------


def assess(answers: Answers, peers: Sequence[Mapping[str, Any]], config: QualityConfig) -> Quality:
    """Score one response; ``peers`` are earlier respondents' ``Quality.features``.

    The score starts at 100 and loses each raised flag's penalty (never below 0).
    """
    flags: list[str] = []
    details: dict[str, Any] = {}

    durations = [p["duration_s"] for p in peers if p.get("duration_s")]
    if answers.duration_s is not None and len(durations) >= config.min_peers_for_median:
        median = float(np.median(durations))
        details["median_duration_s"] = round(median, 1)
        if answers.duration_s < config.speed_fraction * median:
            flags.append(SPEEDER)

    for grid, item_ids in answers.grids.items():
        values = [answers.items[i] for i in item_ids if i in answers.items]
        if len(values) < config.min_grid_items:
            continue
        run = longest_run(values)
        details.setdefault("longest_run", {})[grid] = run
        if is_straightlined(values):
            flags.append(STRAIGHTLINE)
        elif run >= config.long_run_fraction * len(values):
            flags.append(LONG_RUN)

    grid_values = [
        answers.items[i] for ids in answers.grids.values() for i in ids if i in answers.items
    ]
    if len(grid_values) >= 2 * config.min_grid_items:
        variability = irv(grid_values)
        details["irv"] = round(variability, 3)
        if variability < config.irv_min and STRAIGHTLINE not in flags:
            flags.append(LOW_IRV)

    item_keys = sorted(answers.items)
    comparable = [
        [p["items"][k] for k in item_keys]
        for p in peers
        if item_keys and all(k in p.get("items", {}) for k in item_keys)
    ]
    if len(item_keys) >= 2 and len(comparable) >= max(
        config.min_peers_for_mahalanobis, 2 * len(item_keys)
    ):
        d2 = mahalanobis_d2(np.array([answers.items[k] for k in item_keys]), np.array(comparable))
        cutoff = chi2_quantile(config.mahalanobis_alpha, len(item_keys))
        details["mahalanobis_d2"] = round(d2, 2)
        if d2 > cutoff:
            flags.append(MAHALANOBIS)

    if config.scales:
        index = even_odd_consistency(answers.items, config.scales)
        if not math.isnan(index):
            details["even_odd"] = round(index, 3)
            if index < config.even_odd_min:
                flags.append(EVEN_ODD)

    failed = [
        q
        for q, expected in config.attention_checks.items()
        if normalise_text(answers.choices.get(q, "")) != normalise_text(expected)
    ]
    if failed:
        details["attention_failed"] = failed
        flags.append(ATTENTION)

    hashes: dict[str, str] = {}
    peer_hashes = {h for p in peers for h in p.get("open_hashes", [])}
    for qid, text in answers.open.items():
        if not text.strip():
            flags.append(OPEN_EMPTY)
            continue
        if is_gibberish(text):
            flags.append(OPEN_GIBBERISH)
        question = config.question_texts.get(qid)
        if question and copies_question(text, question):
            flags.append(OPEN_COPY)
        if len(normalise_text(text)) >= config.min_open_length_for_duplicate:
            hashes[qid] = text_hash(text)
            if hashes[qid] in peer_hashes:
                flags.append(OPEN_DUPLICATE)
        if qid in answers.pasted:
            flags.append(OPEN_PASTED)
        classifier = TEXT_CLASSIFIERS.get(config.text_classifier or "")
        if classifier is not None and classifier(text):
            flags.append(OPEN_CLASSIFIED)

    unique_flags = list(dict.fromkeys(flags))
    score = max(0.0, 100.0 - sum(PENALTIES[f] for f in unique_flags))
    features = {
        "duration_s": answers.duration_s,
        "items": answers.items,
        "open_hashes": sorted(set(hashes.values())),
    }
    return Quality(score=score, flags=unique_flags, details=details, features=features)
