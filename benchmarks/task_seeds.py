"""Does the tasks recipe work on every seed? Train `python -m vla_cartpole.train --preset tasks --seed S` from scratch
for each seed, one after another, then score each run's weights with the task table (100 episodes per row).

Prints one line per seed: the run's minutes and frames, the lowest goal on training instructions and on held-out
combinations, held-out words on average, and whether all ten targets are met (every goal >= 95 % and >= 90 %).
The runs are kept in --out (seed_S/model.safetensors, with the run's train.log).

    python benchmarks/task_seeds.py [--seeds 0 1 2 3 4 5] [--episodes 100] [--out task_seeds]
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
    p.add_argument("--quick", action="store_true", help="seed 0, 2,048 frames, 2 episodes per row: checks that the script runs")
    a = p.parse_args(argv)
    if a.quick: a.seeds, a.episodes = [0], 2
    if a.episodes < 1 or min(a.seeds) < 0: p.error("--episodes must be at least 1 and every seed at least 0")
    extra = ["--max-frames", "2048", "--num-envs", "8", "--eval-every-frames", "1024", "--eval-episodes", "5"] if a.quick else []
    print("| seed | minutes | frames | train: lowest goal | held-out combinations: lowest goal | held-out words (mean) | all 10 targets |")
    print("|---|---|---|---|---|---|---|")
    met_all = 0
    for seed in a.seeds:
        run = Path(a.out) / f"seed_{seed}"
        run.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "vla_cartpole.train", "--preset", "tasks", "--seed", str(seed), "--save-path", "model",
               "--checkpoint-dir", "checkpoints", "--log-dir", "runs", "--plot", "", "--no-progress", *extra]
        start = time.perf_counter()
        with open(run / "train.log", "w") as log: done = subprocess.run(cmd, cwd=run, stdout=log, stderr=subprocess.STDOUT)
        minutes = (time.perf_counter() - start) / 60
        if done.returncode != 0: print(f"| {seed} | training failed (exit {done.returncode}): see {run / 'train.log'} |"); continue
        model, meta = load_model(run / "model")
        rows = evaluate_tasks(model, a.episodes)
        (run / "task_table.json").write_text(json.dumps(rows, indent=1))
        lowest = {g: min(r["success"] for r in rows if r["group"] == g) for g in TARGETS}
        words = sum(r["success"] for r in rows if r["group"] == "held-out words") / sum(r["group"] == "held-out words" for r in rows)
        ok = all(lowest[g] >= t for g, t in TARGETS.items())
        met_all += ok
        print(f"| {seed} | {minutes:.1f} | {meta['step']:,} | {100 * lowest['train']:.0f} % | "
              f"{100 * lowest['held-out combinations']:.0f} % | {100 * words:.0f} % | {'yes' if ok else 'no'} |", flush=True)
    print(f"\n{met_all} of {len(a.seeds)} seeds meet all ten targets ({a.episodes} episodes per row; minutes include the "
          f"run's own evaluations, not the table's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
