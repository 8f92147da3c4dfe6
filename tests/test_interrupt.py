"Interrupting training: Ctrl-C saves and exits cleanly; kill -9 never leaves a checkpoint that does not load."
import csv
import os
import signal
import subprocess
import sys
import time

import pytest

from vla_cartpole.checkpoint import load_model

ARGS = ["--num-envs", "4", "--rollout-steps", "16", "--minibatch-size", "32", "--max-frames", "100000", "--eval-every-steps", "10000",
        "--checkpoint-every-steps", "64", "--checkpoint-latest-every-steps", "64", "--progress", "false", "--threads", "1",
        "--device", "cpu", "--plot", ""]


def start(cwd, *extra):
    return subprocess.Popen([sys.executable, "-m", "vla_cartpole.train", *ARGS, *extra], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "MPLBACKEND": "Agg"})


def wait_for_updates(cwd, n, proc, timeout=120):
    "Wait until the metrics file has `n` update rows."
    t0 = time.time()
    while time.time() - t0 < timeout:
        path = cwd / "runs" / "metrics.csv"
        if path.exists() and len(list(csv.reader(open(path)))) > n: return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise TimeoutError(f"fewer than {n} updates after {timeout}s")


def test_ctrl_c_saves_and_exits(tmp_path):
    proc = start(tmp_path)
    wait_for_updates(tmp_path, 3, proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted at frame" in err and "--resume" in err and "Traceback" not in err
    model, cfg = load_model(tmp_path / "model")
    assert cfg["step"] >= 192 and (tmp_path / "checkpoints" / "train_state.pt").exists()
    resumed = subprocess.run([sys.executable, "-m", "vla_cartpole.train", *ARGS, "--max-frames", str(cfg["step"] + 64), "--resume"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)   # the later --max-frames wins
    assert resumed.returncode == 0, resumed.stderr
    assert load_model(tmp_path / "model")[1]["step"] == cfg["step"] + 64


@pytest.mark.parametrize("after_updates", [2, 5])
def test_kill_9_leaves_loadable_checkpoints(tmp_path, after_updates):
    proc = start(tmp_path)
    wait_for_updates(tmp_path, after_updates, proc)
    time.sleep(0.01 * after_updates)          # land at different points of the loop, possibly mid-write
    proc.kill(); proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    load_model(tmp_path / "model")
    numbered = list((tmp_path / "checkpoints").glob("model_step_*.json"))
    assert numbered
    for ckpt in numbered: load_model(ckpt)
