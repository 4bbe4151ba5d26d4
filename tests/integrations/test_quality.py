"""Response quality indices, one behaviour each; and the whole assessment."""

from __future__ import annotations

import math
import random

import numpy as np

from botsieve.integrations import quality as q
from botsieve.integrations.qualtrics import answers_of


def _grid(values, name="QID2"):
    items = {f"{name}_{i + 1}": float(v) for i, v in enumerate(values)}
    return items, {name: list(items)}


def _answers(values=(1, 4, 2, 5, 3, 2, 4), duration=300.0, **extra):
    items, grids = _grid(values)
    return q.Answers(duration_s=duration, items=items, grids=grids, **extra)


def _peers(n=40, seed=1, p=7):
    rng = random.Random(seed)
    return [
        {
            "duration_s": rng.uniform(240, 420),
            "items": {f"QID2_{i + 1}": float(rng.randint(1, 5)) for i in range(p)},
            "open_hashes": [],
        }
        for _ in range(n)
    ]


CONFIG = q.QualityConfig()


def test_longest_run_and_straightlining():
    assert q.longest_run([1, 1, 2, 2, 2, 3]) == 3
    assert q.is_straightlined([3, 3, 3, 3]) and not q.is_straightlined([3, 3, 4])


def test_irv_is_the_spread_of_one_persons_answers():
    assert q.irv([3, 3, 3]) == 0
    assert q.irv([1, 5, 1, 5]) > 2
    assert math.isnan(q.irv([1]))


def test_speeder_against_the_surveys_median():
    fast = q.assess(_answers(duration=60), _peers(), CONFIG)
    slow = q.assess(_answers(duration=250), _peers(), CONFIG)
    assert q.SPEEDER in fast.flags and q.SPEEDER not in slow.flags


def test_no_speeding_verdict_without_enough_peers():
    assert q.SPEEDER not in q.assess(_answers(duration=1), _peers(n=5), CONFIG).flags


def test_straightlined_grid_is_flagged():
    outcome = q.assess(_answers(values=(3,) * 7), [], CONFIG)
    assert q.STRAIGHTLINE in outcome.flags and outcome.score < 100


def test_long_identical_run_is_flagged():
    outcome = q.assess(_answers(values=(2, 4, 4, 4, 4, 4, 4, 4, 4, 1)), [], CONFIG)
    assert q.LONG_RUN in outcome.flags


def test_mahalanobis_outlier_against_peers():
    peers = _peers(n=200, p=4)
    for p in peers:  # items 1 and 2 move together for everyone
        p["items"]["QID2_2"] = p["items"]["QID2_1"]
    odd = q.assess(_answers(values=(1, 5, 3, 3)), peers, CONFIG)
    usual = q.assess(_answers(values=(4, 4, 3, 3)), peers, CONFIG)
    assert q.MAHALANOBIS in odd.flags and q.MAHALANOBIS not in usual.flags


def test_even_odd_consistency_separates_consistent_from_random():
    scales = [[f"S{s}_{i}" for i in range(6)] for s in range(5)]
    consistent = {k: float(1 + s) for s, scale in enumerate(scales) for k in scale}
    rng = np.random.default_rng(3)
    noisy = {k: float(rng.integers(1, 6)) for scale in scales for k in scale}
    assert q.even_odd_consistency(consistent, scales) > 0.9
    config = q.QualityConfig(scales=scales)
    flagged = q.assess(q.Answers(items=noisy), [], config)
    assert q.even_odd_consistency(noisy, scales) < 0.9
    assert (q.EVEN_ODD in flagged.flags) == (q.even_odd_consistency(noisy, scales) < 0.3)


def test_failed_attention_check():
    config = q.QualityConfig.from_config({"attention_checks": {"QID9": "Strongly disagree"}})
    passed = q.assess(q.Answers(choices={"QID9": "strongly disagree"}), [], config)
    failed = q.assess(q.Answers(choices={"QID9": "Agree"}), [], config)
    assert q.ATTENTION not in passed.flags and q.ATTENTION in failed.flags


def test_open_answers_empty_gibberish_copied_duplicated_pasted():
    config = q.QualityConfig(question_texts={"QID5": "What did you think of the new design?"})
    peers = [{"open_hashes": [q.text_hash("Great survey, thank you very much")]}]
    cases = {
        "   ": q.OPEN_EMPTY,
        "asdfgh jkl": q.OPEN_GIBBERISH,
        "What did you think of the new design": q.OPEN_COPY,
        "great survey thank you very much!": q.OPEN_DUPLICATE,
    }
    for text, flag in cases.items():
        assert flag in q.assess(q.Answers(open={"QID5": text}), peers, config).flags, text
    pasted = q.assess(q.Answers(open={"QID5": "x" * 40}, pasted={"QID5"}), [], config)
    assert q.OPEN_PASTED in pasted.flags


def test_ordinary_answers_are_not_gibberish():
    for text in (
        "ok",
        "n/a",
        "I liked it, mostly.",
        "Rhythm and strength",
        "Schnell und klar",
        "很好",
    ):
        assert not q.is_gibberish(text), text


def test_a_careful_response_scores_100():
    outcome = q.assess(_answers(), _peers(), CONFIG)
    assert outcome.flags == [] and outcome.score == 100


def test_qualtrics_values_become_answers():
    result = {
        "values": {"duration": 120, "QID1": 2, "QID2_1": 1, "QID2_2": "3", "QID4_TEXT": "hello"},
        "labels": {"QID1": "Agree"},
    }
    answers = answers_of(result)
    assert answers.duration_s == 120
    assert answers.grids == {"QID2": ["QID2_1", "QID2_2"]}
    assert answers.items["QID2_2"] == 3 and answers.open == {"QID4": "hello"}
    assert answers.choices["QID1"] == "Agree"


def test_chi_square_quantile_is_close():
    assert abs(q.chi2_quantile(0.001, 4) - 18.467) < 0.3
    assert abs(q.chi2_quantile(0.05, 10) - 18.307) < 0.2


def test_a_registered_text_classifier_runs_only_when_chosen():
    q.register_text_classifier("shouting", lambda text: text.isupper())
    answers = q.Answers(open={"QID5": "THIS IS A SHOUTED ANSWER"})
    assert q.OPEN_CLASSIFIED not in q.assess(answers, [], q.QualityConfig()).flags
    chosen = q.QualityConfig.from_config({"text_classifier": "shouting"})
    assert q.OPEN_CLASSIFIED in q.assess(answers, [], chosen).flags
