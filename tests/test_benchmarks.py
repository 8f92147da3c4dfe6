"""Every script in benchmarks/ runs: each one, found by glob (so a new script is covered), is run as a user would with
`--quick` (a tiny size: a smoke test, not a measurement) and must exit 0, print its figures and no traceback."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))

# What each script's --quick run must print (its table's headers or last line); a script not listed here must print
# something with a number in it.
EXPECTED = {
    "advantage_spread.py": ["× centre", "move_right", "all"],
    "eval_speed.py": ["episodes/s"],
    "encoders.py": ["train fp32", "infer bf16", "keypoints", "compact", "spec"],
    "env_throughput.py": ["SyncVectorEnv over single envs", "MiniCartPoleVisionVectorEnv k=2 copy=True", "x the loop"],
    "moving_ceiling.py": ["controller (", "agent cartpole_tasks", "starting 0.4 m ahead"],
    "quantised_ceiling.py": ["| frames | seconds | greedy length | greedy return |", "| 512 |"],
    "task_table.py": ["| goal | training instructions | held-out combinations |", "Targets met:"],
    "task_seeds.py": ["| seed | minutes | frames |", "seeds meet all ten targets"],
    "throughput.py": ["== env only", "== full training", "== torchrun", "numpy", "torch"],
    "time_to_solve.py": ["| seed | frames to solve |", "| fp32 |", "bf16 / fp32:"],
    "update_memory.py": ["peak RSS after collection", "peak RSS after the update"],
    "velocity_probe.py": ["| frames stacked | R² x |", "| 1 |"],
}


def test_benchmarks_found():
    assert SCRIPTS, f"no scripts in {BENCHMARKS}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_benchmark_quick(script, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([sys.executable, str(script), "--quick"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, f"{script.name} --quick exited {out.returncode}:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    assert "Traceback" not in out.stderr, out.stderr[-4000:]
    assert re.search(r"\d", out.stdout), f"{script.name} --quick printed no figures:\n{out.stdout}"
    for text in EXPECTED.get(script.name, []):
        assert text in out.stdout, f"{script.name} --quick did not print {text!r}:\n{out.stdout[-3000:]}"
    assert "failed" not in out.stdout, out.stdout[-3000:]
