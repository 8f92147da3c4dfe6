"""The task table condensed to one row per goal: success of the training phrasings, the held-out paraphrase and the
ablation (an empty bag of words), and how many of the project's 20 targets the weights meet.

It runs `vla_cartpole.eval.evaluate_tasks` (what `python -m vla_cartpole.eval --tasks` prints in full: greedy
episodes on seeds 0 .. N-1 for every row) and prints the README's table as Markdown. The targets: >= 90 % success
on each of the 15 training phrasings, >= 75 % on each of the 5 held-out paraphrases.

    python benchmarks/task_table.py [--weights PATH] [--episodes 100] [--seed 0]
    python benchmarks/task_table.py --quick        # 2 episodes per row: a smoke test, not a measurement
"""
import argparse
import sys

import numpy as np

from vla_cartpole.checkpoint import CheckpointError, load_model, load_pretrained
from vla_cartpole.eval import TARGETS, evaluate_tasks
from vla_cartpole.tasks import GOALS

GOAL_ORDER = ("centre", "left", "right", "move_left", "move_right")


def condense(rows: list[dict]) -> tuple[list[dict], int, int]:
    "One row per goal from `evaluate_tasks`' rows, the number of targets met and the number of targets."
    per_goal, met, total = [], 0, 0
    for r in rows:
        if r["group"] in TARGETS:
            total += 1
            met += r["success"] >= TARGETS[r["group"]]
    for goal in GOAL_ORDER:
        pick = lambda group: [r["success"] for r in rows if r["group"] == group and r["goal"] == goal]
        per_goal.append(dict(goal=goal, train=pick("train"), held_out=pick("held-out"),
                             empty=pick("ablation: empty"), unrelated=pick("ablation: unrelated")))
    return per_goal, met, total


def _pct(xs: list[float]) -> str:
    return " / ".join(f"{100 * x:.0f}" for x in xs) + " %" if xs else "–"


def format_condensed(per_goal: list[dict], met: int, total: int, episodes: int, seed: int) -> str:
    same = all(g["empty"] == g["unrelated"] for g in per_goal)
    lines = ["| goal | training phrasings | held-out paraphrase | ablation: empty bag |", "|---|---|---|---|"]
    lines += [f"| {g['goal']} ({GOALS[g['goal']]}) | {_pct(g['train'])} | {_pct(g['held_out'])} | {_pct(g['empty'])} |" for g in per_goal]
    away = [x for g in per_goal if g["goal"] != "centre" for x in g["train"]]
    away_empty = [x for g in per_goal if g["goal"] != "centre" for x in g["empty"]]
    lines += ["", f"{episodes} episodes per row (seeds {seed}–{seed + episodes - 1}). Targets met: {met} of {total} "
              f"(>= {100 * TARGETS['train']:.0f} % on each training phrasing, >= {100 * TARGETS['held-out']:.0f} % on "
              f"each held-out paraphrase).",
              f"Goals away from the centre: {100 * np.mean(away):.0f} % with the instruction, "
              f"{100 * np.mean(away_empty):.0f} % with an empty bag of words"
              + ("; unrelated words give the same rows as the empty bag." if same else ".")]
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
    print(format_condensed(*condense(rows), episodes, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
