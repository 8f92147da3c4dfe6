"""End-to-end training throughput of this checkout against an earlier commit, side by side in one run.

    python benchmarks/speed_vs_baseline.py [--recipe cpu|tasks] [--frames 40960] [--repeats 2] [--baseline b8964c9]
    python benchmarks/speed_vs_baseline.py --quick      # 2,048 frames, 1 repeat: a smoke test, not a measurement

Both versions train the same recipe from scratch for the same number of frames, without stopping when solved, as
`python -m vla_cartpole.train` runs it (quick evaluations included, the final evaluation not). The baseline's code is
checked out into a temporary git worktree; a baseline that has presets (`vla_cartpole/config.py` with `PRESETS`)
runs its own `--preset`, an older one the flags of its recipe. The runs alternate (old, new, old, new, ...), so a
machine that gets busier or quieter during the run affects both; the script prints every run's frames/s and the
ratio of the medians.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the baseline's flags (its CLI took `--flag true/false`, and the tasks recipe was a list of flags)
OLD_FLAGS = {"cpu": [], "tasks": ["--multi-task", "true", "--frame-stride", "10,6,2", "--anneal-lr", "true", "--max-frames", "440000",
                                  "--keep-words", "move moving", "--speed-window", "50", "--speed-scale", "0.25", "--phrase-mix", "0.3",
                                  "--state-critic", "true", "--threads", "2"]}


def has_presets(code: Path) -> bool:
    "Whether the code in `code` has `--preset` (the commits after the consolidation)."
    config = code / "vla_cartpole" / "config.py"
    return config.exists() and "PRESETS" in config.read_text()


def run(code: Path, new: bool, recipe: str, frames: int, out: Path) -> float:
    "Train `frames` frames with the code in `code` (`new`: it has presets); the frames/s its summary reports."
    common = ["--save-path", str(out / "model"), "--checkpoint-dir", str(out / "ckpt"), "--log-dir", str(out / "runs"), "--plot", ""]
    if new: flags = ["--preset", recipe, "--num-episodes", "None", "--no-stop-when-solved", "--no-progress"]
    else: flags = OLD_FLAGS[recipe] + ["--stop-when-solved", "false", "--progress", "false"]
    budget = ["--max-minutes", "None"] if new else ["--max-minutes", "1000"]
    # the frame budget comes last so that it wins over a recipe's own (the tasks recipe anneals over it: both alike)
    argv = [sys.executable, "-m", "vla_cartpole.train", *flags, *budget, *common, "--max-frames", str(frames)]
    env = dict(os.environ, PYTHONPATH=str(code))
    done = subprocess.run(argv, cwd=out, env=env, capture_output=True, text=True)
    found = re.search(r"stopped: .*\(([\d,]+) frames/s\)", done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{'new' if new else 'baseline'} run failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return float(found.group(1).replace(",", ""))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipe", choices=["cpu", "tasks"], default="cpu")
    p.add_argument("--frames", type=int, default=40_960)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--baseline", default="b8964c9", help="the commit to compare with")
    p.add_argument("--quick", action="store_true", help="2,048 frames, 1 repeat")
    a = p.parse_args()
    if a.quick: a.frames, a.repeats = 2048, 1
    tmp = Path(tempfile.mkdtemp())
    old = tmp / "baseline"
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), a.baseline], capture_output=True, text=True)
    versions = [("baseline", old, has_presets(old)), ("new", ROOT, True)]
    if made.returncode != 0:
        if not a.quick: raise SystemExit(f"cannot check out {a.baseline}: {made.stderr.strip()}")
        print(f"(cannot check out {a.baseline} here, e.g. a shallow clone: the smoke test runs this checkout only)")
        versions = versions[1:]
    try:
        rates = {"baseline": [], "new": []}
        for i in range(a.repeats):
            for name, code, new in versions:
                out = tmp / f"{name}{i}"; out.mkdir()
                rates[name].append(run(code, new, a.recipe, a.frames, out))
                print(f"run {i + 1}, {name:8s} ({a.baseline if name == 'baseline' else 'this checkout'}): "
                      f"{rates[name][-1]:,.0f} frames/s", flush=True)
        if not rates["baseline"]: return
        old_rate, new_rate = statistics.median(rates["baseline"]), statistics.median(rates["new"])
        print(f"recipe {a.recipe}, {a.frames:,} frames per run, {a.repeats} run(s) each: baseline {old_rate:,.0f} frames/s, "
              f"this checkout {new_rate:,.0f} frames/s: {new_rate / old_rate:.2f}x")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)


if __name__ == "__main__":
    main()
