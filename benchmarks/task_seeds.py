"""Does the tasks recipe work on every seed? Train `python -m vla_cartpole.train --preset tasks --seed S` from scratch
for each seed, one after another, then score each run's weights with the task table (100 episodes per row).

Prints one line per seed: the run's minutes and frames, the lowest goal on training instructions and on held-out
combinations, held-out words on average, how many of the ten targets it meets (every goal >= 95 % on training
instructions, >= 90 % on held-out combinations) and whether it meets all. The runs are kept in --out
(seed_S/model.safetensors, with the run's train.log and run.json); `--no-train` scores the runs already there.

    python benchmarks/task_seeds.py [--seeds 0 1 2 3 4 5] [--episodes 100] [--out task_seeds] [--no-train]
    python benchmarks/task_seeds.py --quick          # seed 0, 2,048 frames, 2 episodes per row: a smoke test
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from vla_cartpole.checkpoint import load_model
from vla_cartpole.eval import TARGETS, evaluate_tasks


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4, 5])
    p.add_argument("--episodes", type=int, default=100, help="greedy episodes per row of each run's task table")
    p.add_argument("--out", default="task_seeds", help="folder for the runs")
    p.add_argument("--no-train", action="store_true", help="score the runs already in --out instead of training them")
    p.add_argument("--quick", action="store_true", help="seed 0, 2,048 frames, 2 episodes per row: checks that the script runs")
    a = p.parse_args(argv)
    if a.quick: a.seeds, a.episodes = [0], 2
    if a.episodes < 1 or min(a.seeds) < 0: p.error("--episodes must be at least 1 and every seed at least 0")
    extra = ["--max-frames", "2048", "--num-envs", "8", "--eval-every-frames", "1024", "--eval-episodes", "5"] if a.quick else []
    print("| seed | minutes | frames | train: lowest goal | held-out combinations: lowest goal | held-out words (mean) | targets met | all 10 |")
    print("|---|---|---|---|---|---|---|---|")
    met_all = 0
    for seed in a.seeds:
        run = Path(a.out) / f"seed_{seed}"
        run.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "vla_cartpole.train", "--preset", "tasks", "--seed", str(seed), "--save-path", "model",
               "--checkpoint-dir", "checkpoints", "--log-dir", "runs", "--plot", "", "--no-progress", *extra]
        if not a.no_train:
            start = time.perf_counter()
            with open(run / "train.log", "w") as log: done = subprocess.run(cmd, cwd=run, stdout=log, stderr=subprocess.STDOUT)
            if done.returncode != 0: print(f"| {seed} | training failed (exit {done.returncode}): see {run / 'train.log'} |"); continue
            (run / "run.json").write_text(json.dumps(dict(minutes=(time.perf_counter() - start) / 60, command=cmd[1:])))
        if not (run / "model.json").exists(): print(f"| {seed} | no run in {run} |"); continue
        model, meta = load_model(run / "model")
        minutes = json.loads((run / "run.json").read_text())["minutes"] if (run / "run.json").exists() else meta["seconds"] / 60
        saved = run / "task_table.json"
        rows = json.loads(saved.read_text()) if a.no_train and saved.exists() else []
        if not rows or rows[0]["episodes"] != a.episodes:   # scored already, with as many episodes: the same numbers
            rows = evaluate_tasks(model, a.episodes)
            saved.write_text(json.dumps(rows, indent=1))
        lowest = {g: min(r["success"] for r in rows if r["group"] == g) for g in TARGETS}
        words = sum(r["success"] for r in rows if r["group"] == "held-out words") / sum(r["group"] == "held-out words" for r in rows)
        met = sum(r["success"] >= TARGETS[r["group"]] for r in rows if r["group"] in TARGETS)
        ok = all(lowest[g] >= t for g, t in TARGETS.items())
        met_all += ok
        print(f"| {seed} | {minutes:.1f} | {meta['step']:,} | {100 * lowest['train']:.0f} % | "
              f"{100 * lowest['held-out combinations']:.0f} % | {100 * words:.0f} % | {met} | {'yes' if ok else 'no'} |", flush=True)
    print(f"\n{met_all} of {len(a.seeds)} seeds meet all ten targets ({a.episodes} episodes per row; minutes: the whole "
          f"training command, its own evaluations included, the table's not)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
