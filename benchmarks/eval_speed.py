"""How fast the evaluator runs: greedy episodes per second of this checkout against an earlier commit, side by side on
the same weights and episodes, then the wall time of the full task table (`python -m vla_cartpole.eval --tasks`).

    python benchmarks/eval_speed.py [--episodes 500] [--repeats 2] [--baseline 3d06a3f] [--no-table]
    python benchmarks/eval_speed.py --quick        # 20 episodes, 1 repeat, no table: a smoke test, not a measurement

Both versions load the shipped `cartpole_tasks` weights of this checkout (4 frames 10, 6 and 2 steps apart) and run
`evaluate_model` on 250 environments at once, as the task table does. They compare like for like, the network alone
(a copy of the weights without `mirror_average`, which the baseline does not know); this checkout also runs the agent
as shipped, which averages with the mirror image and so runs the network twice a step. The baseline's code is checked
out into a temporary git worktree; the runs alternate, and the script prints each run and the ratio of the medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import sys, time, torch
from vla_cartpole.checkpoint import load_model
from vla_cartpole.eval import env_for, evaluate_model
try: from vla_cartpole.model import keep_freed_memory; keep_freed_memory()
except ImportError: pass
torch.set_num_threads(2)
model, _ = load_model(sys.argv[1])
n = int(sys.argv[2])
env = env_for(model, min(n, 250), 200, copy=False)
start = time.perf_counter()
evaluate_model(env, model, "keep moving left slowly", n, seed=0)
print(n / (time.perf_counter() - start))
"""


SHIPPED = ROOT / "vla_cartpole" / "weights" / "cartpole_tasks"


def network_alone(colour_bias: bool = False) -> Path:
    """A copy of the shipped weights whose config leaves out `mirror_average`: the network alone, as any version reads it.
    `colour_bias`: with the zero colour-filter bias that versions before 220b2e3 expect (a softmax cannot see it)."""
    copy = Path(tempfile.mkdtemp()) / "cartpole_tasks"
    weights = load_file(SHIPPED.with_suffix(".safetensors"))
    if colour_bias: weights["vision.colour.bias"] = torch.zeros(len(weights["vision.colour.weight"]), dtype=torch.float16)
    save_file(weights, copy.with_suffix(".safetensors"))
    doc = json.loads(SHIPPED.with_suffix(".json").read_text())
    doc["model"].pop("mirror_average", None)
    copy.with_suffix(".json").write_text(json.dumps(doc))
    return copy


def rate(code: Path, episodes: int, weights: Path) -> float:
    "Greedy episodes per second with the package in `code`."
    done = subprocess.run([sys.executable, "-c", PROBE, str(weights), str(episodes)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(code)), cwd=tempfile.mkdtemp())   # not a folder holding a package
    if done.returncode != 0: raise SystemExit(f"the run with {code} failed: {done.stderr.strip()[-400:]}")
    return float(done.stdout.split()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--episodes", type=int, default=500)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--baseline", default="3d06a3f", help="the commit to compare with")
    p.add_argument("--no-table", action="store_true", help="skip timing the full task table")
    p.add_argument("--quick", action="store_true", help="20 episodes, 1 repeat, no table")
    a = p.parse_args()
    if a.quick: a.episodes, a.repeats, a.no_table = 20, 1, True
    old = Path(tempfile.mkdtemp()) / "baseline"
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), a.baseline], capture_output=True, text=True)
    versions = [("baseline", old, network_alone(colour_bias=True)), ("new", ROOT, network_alone()), ("shipped", ROOT, SHIPPED)]
    if made.returncode != 0:
        if not a.quick: raise SystemExit(f"cannot check out {a.baseline}: {made.stderr.strip()}")
        print(f"(cannot check out {a.baseline} here, e.g. a shallow clone: the smoke test runs this checkout only)")
        versions = versions[1:]
    try:
        rates = {name: [] for name, *_ in versions}
        about = dict(baseline=f"{a.baseline}, the network alone", new="this checkout, the network alone",
                     shipped="this checkout, the agent as shipped")
        for i in range(a.repeats):
            for name, code, weights in versions:
                rates[name].append(rate(code, a.episodes, weights))
                print(f"run {i + 1}, {name:8s} ({about[name]}): {rates[name][-1]:.1f} episodes/s", flush=True)
        if "baseline" in rates:
            old_rate, new_rate = statistics.median(rates["baseline"]), statistics.median(rates["new"])
            print(f"{a.episodes} episodes per run, the network alone: baseline {old_rate:.1f} episodes/s, this checkout {new_rate:.1f}: "
                  f"{new_rate / old_rate:.2f}x")
        shipped = statistics.median(rates["shipped"])
        print(f"the agent as shipped (this checkout): {shipped:.1f} episodes/s, {shipped / statistics.median(rates['new']):.2f}x the network alone")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
    if not a.no_table:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "vla_cartpole.eval", "--tasks"], capture_output=True, text=True, cwd=tempfile.mkdtemp())
        if done.returncode != 0: raise SystemExit(f"eval --tasks failed: {done.stderr.strip()[-400:]}")
        print(f"python -m vla_cartpole.eval --tasks: {time.perf_counter() - start:.1f} s wall time (100 episodes per row, the shipped weights)")


if __name__ == "__main__":
    main()
