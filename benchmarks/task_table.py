"""The task table condensed to one row per goal: success on training instructions, held-out combinations, held-out
words and the ablation (an empty bag of words), and how many of the ten targets the weights meet.

It runs `vla_cartpole.eval.evaluate_tasks` (what `python -m vla_cartpole.eval --tasks` prints in full: greedy episodes
on seeds 0 .. N-1 for every row, each row's episodes taking its 20 instructions in turn) and prints the README's table
as Markdown. The targets: every goal >= 95 % on training instructions and >= 90 % on held-out combinations.

    python benchmarks/task_table.py [--weights PATH] [--episodes 100] [--seed 0]
    python benchmarks/task_table.py --quick        # 2 episodes per row: a smoke test, not a measurement
"""
import argparse
import sys

import numpy as np

from vla_cartpole.checkpoint import CheckpointError, load_model, load_pretrained
from vla_cartpole.eval import TARGETS, evaluate_tasks
from vla_cartpole.tasks import GOALS

COLUMNS = {"train": "training instructions", "held-out combinations": "held-out combinations",
           "held-out words": "held-out words", "ablation: empty": "ablation: empty bag"}


def condense(rows: list[dict]) -> dict:
    "Per goal, each group's success; the targets met and their number; the drop without words."
    table = {g: {group: next((r["success"] for r in rows if r["group"] == group and r["goal"] == g), None) for group in COLUMNS}
             for g in GOALS}
    scored = [r for r in rows if r["group"] in TARGETS]
    away = lambda group: 100 * np.mean([table[g][group] for g in GOALS if g != "centre"])
    return dict(table=table, met=sum(r["success"] >= TARGETS[r["group"]] for r in scored), total=len(scored),
                lowest={group: min(r["success"] for r in rows if r["group"] == group) for group in COLUMNS},
                words=100 * np.mean([table[g]["held-out words"] for g in GOALS]),
                away_train=away("train"), away_empty=away("ablation: empty"))


def format_condensed(c: dict, episodes: int, seed: int) -> str:
    pct = lambda x: "–" if x is None else f"{100 * x:.0f} %"
    lines = ["| goal | " + " | ".join(COLUMNS.values()) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    lines += [f"| {g} ({GOALS[g]}) | " + " | ".join(pct(c['table'][g][group]) for group in COLUMNS) + " |" for g in GOALS]
    lines += ["", f"{episodes} episodes per row (seeds {seed}–{seed + episodes - 1}), each row's episodes taking {min(episodes, 20)} instructions "
              f"in turn. Targets met: {c['met']} of {c['total']} (every goal >= {100 * TARGETS['train']:.0f} % on training "
              f"instructions and >= {100 * TARGETS['held-out combinations']:.0f} % on held-out combinations).",
              f"Held-out words: {c['words']:.0f} % on average (no target). Goals away from the centre: {c['away_train']:.0f} % "
              f"with the instruction, {c['away_empty']:.0f} % with an empty bag of words."]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", default=None, help="a multi-task model (default: the shipped cartpole_tasks weights)")
    p.add_argument("--episodes", type=int, default=100, help="greedy episodes per row")
    p.add_argument("--seed", type=int, default=0, help="episode i of each row uses seed + i")
    p.add_argument("--quick", action="store_true", help="2 episodes per row: checks that the script runs")
    args = p.parse_args(argv)
    episodes = 2 if args.quick else args.episodes
    if episodes < 1: p.error(f"--episodes must be at least 1, got {episodes}")
    if args.seed < 0: p.error(f"--seed must be at least 0, got {args.seed}")
    try: model, _ = load_model(args.weights) if args.weights else load_pretrained("cartpole_tasks")
    except (CheckpointError, OSError, ValueError) as e: sys.exit(f"error: {e}")
    rows = evaluate_tasks(model, episodes, seed=args.seed)
    print(f"weights: {args.weights or 'shipped cartpole_tasks'}")
    print(format_condensed(condense(rows), episodes, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
