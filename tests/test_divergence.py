"A run pushed to diverge by an absurd learning rate stops with a message naming the step; the last good checkpoint stays intact."
import os
import subprocess
import sys

import torch

from vla_cartpole.checkpoint import load_model

TINY = ["--num-envs", "4", "--rollout-steps", "16", "--num-minibatches", "2", "--eval-every-frames", "100000",
        "--checkpoint-every-frames", "64", "--no-progress", "--threads", "1", "--device", "cpu", "--plot", ""]


def train(cwd, *args):
    return subprocess.run([sys.executable, "-m", "vla_cartpole.train", *TINY, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})


def test_absurd_learning_rate_stops_and_keeps_last_good_checkpoint(tmp_path):
    assert train(tmp_path, "--max-frames", "128").returncode == 0
    good = {p: p.read_bytes() for p in [tmp_path / "model.safetensors", tmp_path / "checkpoints" / "train_state.pt"]}
    out = train(tmp_path, "--max-frames", "1280", "--resume", "--lr", "1e12", "--actor-lr", "1e12", "--critic-lr", "1e12")
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert "became nan/inf at update 3 (frame 128); training stopped; the last good weights (frame 128)" in out.stderr, out.stderr
    assert all(p.read_bytes() == b for p, b in good.items())
    model, cfg = load_model(tmp_path / "model")
    assert cfg["step"] == 128 and all(torch.isfinite(p).all() for p in model.parameters())
