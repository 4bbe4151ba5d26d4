from __future__ import annotations

from botsieve.kit.text import same_secret


def test_same_secret_compares_any_text() -> None:
    assert same_secret("abc", "abc")
    assert not same_secret("abc", "abd")
    # compare_digest alone raises TypeError on these: here they are simply not equal.
    assert not same_secret("abc", "caf\u00e9")
    assert not same_secret("abc", "\udaf9")
    assert same_secret("\u2603", "\u2603")
