"""The evaluation report: figures as JSON, a table on the console, ROC curves as PNG and HTML."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from botsieve.evaluation.dataset import HUMAN_FAMILY
from botsieve.evaluation.metrics import roc_curve

COLUMNS = (
    ("n", "bots"),
    ("auc", "ROC AUC"),
    ("caught_at_1pct", "@1% people"),
    ("caught_at_0_1pct", "@0.1% people"),
    ("caught_at_threshold", "@threshold"),
    ("humans_flagged_at_threshold", "people flagged"),
    ("insufficient_evidence", "not enough ev."),
)


def _fmt(key: str, value: float) -> str:
    if key == "n":
        return str(int(value))
    if isinstance(value, float) and math.isnan(value):
        return "-"
    return f"{value:.4f}" if key == "auc" else f"{value:.1%}"


def rows(result: dict[str, Any]) -> list[tuple[str, str, dict[str, float]]]:
    """(section, family, figures) for every line of the table."""
    out = [("trained on all families", f, v) for f, v in result["families"].items()]
    out.append(("trained on all families", "all bots", result["overall"]))
    out += [("family left out of training", f, v) for f, v in result.get("left_out", {}).items()]
    out += [("stress test, never trained on", f, v) for f, v in result.get("stress", {}).items()]
    return out


def table(result: dict[str, Any]) -> str:
    head = f"{'':28} {'family':14}" + "".join(f"{label:>15}" for _, label in COLUMNS)
    lines = [head]
    for section, family, figs in rows(result):
        lines.append(
            f"{section:28} {family:14}"
            + "".join(f"{_fmt(k, figs.get(k, math.nan)):>15}" for k, _ in COLUMNS)
        )
    by_source = result.get("people_flagged_by_source", {})
    if by_source:
        lines.append(
            "people flagged at the threshold, by source: "
            + ", ".join(f"{s} {v:.1%}" for s, v in by_source.items())
        )
    unseen = result.get("unseen_people", {})
    if unseen:
        lines.append(
            "trained without webbot people and web bots: webbot people flagged "
            f"{unseen['webbot_people']:.1%}, advanced_bot caught "
            f"{unseen.get('advanced_bot', 0):.1%}, moderate_bot caught "
            f"{unseen.get('moderate_bot', 0):.1%} at the threshold"
        )
    lines += open_world_lines(result)
    lines.append(
        f"people: {result['humans']} sessions; shipped thresholds per fold: "
        + ", ".join(f"{t:.3f}" for t in result["thresholds"])
    )
    return "\n".join(lines)


def open_world_lines(result: dict[str, Any]) -> list[str]:
    """Per human source (in training / left out, abstained, ECE), the worst, and the
    robustness suite's flips."""
    lines = []
    sources = result.get("sources", {})
    for src, v in sources.items():
        if src == "worst":
            continue
        lines.append(
            f"source {src}: {v['people']} people sessions, flagged {v['flagged_in_training']:.1%} "
            f"(source in training), {v['flagged_left_out']:.1%} (source left out); "
            f"abstained {v['abstained']:.1%}; ECE {v['ece']:.3f}"
        )
        hab = v.get("habits_left_out")
        if hab:
            which = ", ".join(f"{k} {n}" for k, n in hab["flipped"].items())
            lines.append(
                f"  benign habits on {hab['people']} of its people, source left out: "
                f"{hab['flipped_total']} flipped{f' ({which})' if which else ''}; highest "
                f"probability {hab['highest_probability']:.3f} ({hab['highest_habit']}, "
                f"threshold {hab['threshold']:.3f})"
            )
    if "worst" in sources:
        w = sources["worst"]
        lines.append(f"worst source: {w['source']}, {w['flagged']:.1%} of its people flagged")
    rob = result.get("robustness", {})
    if rob:
        cases = ", ".join(
            f"{k} {v['flipped']}/{v['people']}" for k, v in rob.items() if isinstance(v, dict)
        )
        lines.append(f"benign habits, people flipped to bot: {rob['flipped_total']} ({cases})")
        thin = ", ".join(
            f"{k} {v['insufficient_evidence']}/{v['people']}"
            for k, v in rob.items()
            if isinstance(v, dict) and v.get("insufficient_evidence")
        )
        if thin:
            lines.append(f"benign habits answered 'not enough evidence': {thin}")
    red = result.get("red_team")
    if red:
        first = red["first_below_threshold_at"]
        lines.append(
            f"red team ({red['parameters']} knobs, {red['queries']} queries, no recorded motion): "
            f"lowest bot probability {red['best_probability']:.2e}; "
            f"{red['below_threshold']} sessions under the threshold {red['threshold']:.3f}"
            + (f", the first at query {first}" if first else "")
        )
    return lines


def write(result: dict[str, Any], out: Path, command: str) -> Path:
    """Write ``figures.json``, ``roc.png`` and ``index.html`` into ``out``; returns the HTML."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    curves = result["curves"]
    prob = np.asarray(curves["probability"])
    family = np.asarray(curves["family"])
    human = prob[family == HUMAN_FAMILY]
    fig, ax = plt.subplots(figsize=(7, 5.5), dpi=110)
    for f in sorted(result["families"]) + sorted(result.get("stress", {})):
        fpr, tpr = roc_curve(human, prob[family == f])
        auc = {**result["families"], **result.get("stress", {})}[f]["auc"]
        ax.plot(np.maximum(fpr, 1e-4), tpr, label=f"{f} (AUC {auc:.4f})")
    ax.axvline(0.01, color="grey", ls="--", lw=0.8)
    ax.axvline(0.001, color="grey", ls=":", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlim(1e-4, 1)
    ax.set_xlabel("share of people flagged (log scale)")
    ax.set_ylabel("share of bots caught")
    ax.set_title("ROC per bot family, out-of-fold, people split by person")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "roc.png")
    plt.close(fig)
    figures = {k: v for k, v in result.items() if k != "curves"}
    (out / "figures.json").write_text(json.dumps(figures, indent=2, sort_keys=True))
    body = [
        "<table><tr><th></th><th>family</th>"
        + "".join(f"<th>{html.escape(label)}</th>" for _, label in COLUMNS)
        + "</tr>"
    ]
    for section, f, figs in rows(result):
        body.append(
            f"<tr><td>{html.escape(section)}</td><td>{html.escape(f)}</td>"
            + "".join(f"<td>{_fmt(k, figs.get(k, math.nan))}</td>" for k, _ in COLUMNS)
            + "</tr>"
        )
    body.append("</table>")
    notes = [
        line
        for line in table(result).splitlines()[1:]
        if not line.startswith(("trained on", "family left", "stress"))
    ]
    body += [f"<p>{html.escape(line)}</p>" for line in notes]
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>botsieve evaluation</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em}}
td,th{{padding:.2em .7em;text-align:right}}
td:first-child,td:nth-child(2){{text-align:left}}</style></head><body>
<h1>botsieve detection: evaluation</h1>
<p>Produced by <code>{html.escape(command)}</code>. People: {result["humans"]} sessions,
split by person; bots scored by models that never saw them (and, in the second part, never
saw their family).</p>
{"".join(body)}
<p><img src="roc.png" alt="ROC curves per bot family"></p>
</body></html>"""
    (out / "index.html").write_text(page)
    return out / "index.html"
