"""The red team against the shipped model at a larger budget: ``python -m bench.redteam``.

``botsieve eval`` runs the red team with 1,000 queries against a model it trains on the spot;
this runs the same search (``evaluation.redteam.search``) against the model the service ships
(``analysis/artifacts/model.json``), by default with 10,000 queries, the budget the detection
figures name. Prints the result and writes ``bench/results/redteam.json``.
"""

from __future__ import annotations

import argparse
import json
import time

from bench.engine.__main__ import ARTIFACT, RESULTS
from botsieve.engine import load_model
from botsieve.evaluation import redteam


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    model = load_model(json.loads(ARTIFACT.read_text()))
    started = time.perf_counter()
    result = redteam.search(model, budget=args.queries, seed=args.seed)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["model"] = model.version
    result["command"] = f"python -m bench.redteam --queries {args.queries} --seed {args.seed}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "redteam.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(json.dumps(result, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
