"The command-line tools, run as a user would: exit codes, one-line errors, files written."
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from vla_cartpole.checkpoint import save_model
from vla_cartpole.model import MiniVLA, seed_everything

TINY = ["--num-envs", "4", "--rollout-steps", "16", "--num-minibatches", "2", "--max-frames", "128", "--eval-every-frames", "64",
        "--eval-episodes", "2", "--checkpoint-every-frames", "64", "--no-progress", "--threads", "1", "--device", "cpu"]


def run(args, cwd, timeout=300):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def weights(tmp_path):
    seed_everything(0)
    save_model(MiniVLA(frame_stack=2, encoder="compact"), tmp_path / "m", instruction="keep the pole upright")
    return tmp_path / "m.safetensors"


def test_train_cli_tiny_run(tmp_path):
    out = run(["vla_cartpole.train", *TINY, "--plot", "curve.png"], tmp_path)
    assert out.returncode == 0, out.stderr
    for name in ("model.safetensors", "model.json", "checkpoints/model_step_64.safetensors", "runs/metrics.csv", "curve.png"):
        assert (tmp_path / name).exists(), name
    assert "greedy evaluation, 100 episodes" in out.stdout
    again = run(["vla_cartpole.train", *TINY, "--resume", "--max-frames", "192", "--plot", ""], tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "model.json").read_text())["step"] == 192


@pytest.mark.parametrize("args, message", [
    (["--num-envs", "0"], "--num-envs must be a positive integer"),
    (["--preset", "tpu"], "--preset must be one of"),
    (["--gamma", "2"], "--gamma must be in (0, 1]"),
    (["--lr", "-1"], "--lr must be a positive number"),
    (["--device", "cuda:7"] if not torch.cuda.is_available() else ["--device", "nonsense"], "device"),
    (["--instruction", "   "], "at least one word"),
])
def test_train_cli_bad_options(tmp_path, args, message):
    out = run(["vla_cartpole.train", *args], tmp_path)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_train_cli_resume_without_state(tmp_path):
    out = run(["vla_cartpole.train", *TINY, "--resume"], tmp_path)
    assert out.returncode == 1 and "model.json: config file not found" in out.stderr and "Traceback" not in out.stderr


def test_eval_cli(tmp_path, weights):
    out = run(["vla_cartpole.eval", "--weights", str(weights), "--episodes", "3", "--json", "r.json"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Episode ") == 3 and "Average Reward:" in out.stdout
    assert len(json.loads((tmp_path / "r.json").read_text())["lengths"]) == 3


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "config file not found"),
    (lambda p: (p.with_suffix(".json").write_text('{"model": {"frame_stack": 2, "encoder": "compact"}}'),
                p.write_bytes(os.urandom(64))), "not a valid safetensors file"),
    (lambda p: (p.with_suffix(".json").write_text("{oops"), p.write_bytes(b"")), "not valid JSON"),
])
def test_eval_cli_bad_weights(tmp_path, make, message):
    path = tmp_path / "broken.safetensors"
    make(path)
    out = run(["vla_cartpole.eval", "--weights", str(path)], tmp_path)
    assert out.returncode == 1 and message in out.stderr and "broken" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_visualize_cli(tmp_path, weights):
    out = run(["vla_cartpole.visualize", "--weights", str(weights), "--no-show", "--seed", "1", "--save-gif", "g.gif",
               "--save-plot", "p.png"], tmp_path)
    assert out.returncode == 0, out.stderr
    from PIL import Image
    steps = int(out.stdout.split("episode: ")[1].split(" steps")[0])
    with Image.open(tmp_path / "g.gif") as im: assert im.n_frames == steps
    assert (tmp_path / "p.png").stat().st_size > 10_000


def test_visualize_cli_unknown_checkpoint_step(tmp_path):
    (tmp_path / "checkpoints").mkdir()
    out = run(["vla_cartpole.visualize", "--checkpoint-step", "123", "--no-show"], tmp_path)
    assert out.returncode == 1 and "no checkpoint for step 123" in out.stderr and "Traceback" not in out.stderr
