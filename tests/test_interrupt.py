"""Interrupting training: Ctrl-C saves and exits cleanly; kill -9 (after 2 updates, after 5, in the middle of a checkpoint
write) never leaves a checkpoint that does not load, and `--resume` then ends exactly where an uninterrupted run ends."""
import csv
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from vla_cartpole.checkpoint import load_model

ARGS = ["--num-envs", "4", "--rollout-steps", "16", "--num-minibatches", "2", "--max-frames", "100000", "--eval-every-frames", "10000",
        "--checkpoint-every-frames", "64", "--latest-every-frames", "64", "--no-progress", "--threads", "1",
        "--device", "cpu", "--plot", ""]


FINAL = 640   # frames (10 updates) for the resumed-vs-uninterrupted comparison

# Loaded by the training subprocess (through PYTHONPATH) when a test wants to kill it in the middle of a checkpoint
# write: the Nth rename of a finished temporary training-state file drops a marker and stalls, so the kill lands
# after the new state was written to its temporary file and before it replaced the old one.
STALL_WRITE = """
import os, time
_replace, _count = os.replace, [0]
def replace(src, dst, *a, **k):
    if str(dst).endswith("train_state.pt"):
        _count[0] += 1
        if _count[0] == int(os.environ["STALL_AT_WRITE"]):
            open(os.environ["STALL_MARKER"], "w").close(); time.sleep(120)
    return _replace(src, dst, *a, **k)
os.replace = replace
"""


def start(cwd, *extra, env=None):
    return subprocess.Popen([sys.executable, "-m", "vla_cartpole.train", *ARGS, *extra], cwd=cwd, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "MPLBACKEND": "Agg", **(env or {})})


def weights(path):
    model, cfg = load_model(path)
    return cfg["step"], [p.detach().clone() for p in model.state_dict().values()]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    "Weights and training episodes of a run that goes to FINAL frames in one go."
    cwd = tmp_path_factory.mktemp("whole")
    out = subprocess.run([sys.executable, "-m", "vla_cartpole.train", *ARGS, "--max-frames", str(FINAL)], cwd=cwd,
                         capture_output=True, text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr
    return weights(cwd / "model")[1], (cwd / "runs" / "metrics.csv").read_text()


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


def kill_at(cwd, moment):
    "Start a run and kill -9 it after 2 updates, after 5 updates, or while the 3rd training state is being written."
    if moment == "mid-write":
        (cwd / "stall").mkdir(); (cwd / "stall" / "sitecustomize.py").write_text(STALL_WRITE)
        marker = cwd / "stalled"
        proc = start(cwd, env=dict(PYTHONPATH=str(cwd / "stall"), STALL_AT_WRITE="3", STALL_MARKER=str(marker)))
        t0 = time.time()
        while not marker.exists():
            assert proc.poll() is None and time.time() - t0 < 120, proc.communicate()
            time.sleep(0.05)
        assert list((cwd / "checkpoints").glob(".train_state.pt.*.tmp")), "the new state should be half-way: written, not renamed"
    else:
        proc = start(cwd)
        wait_for_updates(cwd, moment, proc)
        time.sleep(0.01 * moment)          # land at different points of the loop, possibly mid-write
    proc.kill(); proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("moment", [2, 5, "mid-write"])
def test_kill_9_then_resume_matches_uninterrupted(tmp_path, moment, uninterrupted):
    kill_at(tmp_path, moment)
    # whatever the moment, every checkpoint on disk loads
    load_model(tmp_path / "model")
    numbered = list((tmp_path / "checkpoints").glob("model_step_*.json"))
    assert numbered
    for ckpt in numbered: load_model(ckpt)
    state = torch.load(tmp_path / "checkpoints" / "train_state.pt", weights_only=True)
    if moment == "mid-write": assert state["frames"] == 128   # the 3rd write never landed: the 2nd one is intact
    # --resume continues from the last saved step and ends exactly where the uninterrupted run ends
    resumed = subprocess.run([sys.executable, "-m", "vla_cartpole.train", *ARGS, "--max-frames", str(FINAL), "--resume"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
    assert resumed.returncode == 0, resumed.stderr
    step, final = weights(tmp_path / "model")
    assert step == FINAL
    whole, whole_metrics = uninterrupted
    assert all(torch.equal(a, b) for a, b in zip(final, whole))
    def losses(text): return [(r["frames"], r["policy_loss"], r["value_loss"]) for r in csv.DictReader(text.splitlines())]
    assert losses((tmp_path / "runs" / "metrics.csv").read_text())[-3:] == losses(whole_metrics)[-3:]
