"""Corrupt, mismatched and hostile files given to the command-line tools: each gives one line on stderr naming the file
and the problem, a non-zero exit code and no traceback — and a malicious pickle never runs."""
import json
import os
import pickle
import subprocess
import sys

import pytest
import torch

from vla_cartpole.checkpoint import save_model
from vla_cartpole.model import MiniVLA, seed_everything

TINY = ["--num-envs", "4", "--rollout-steps", "16", "--num-minibatches", "2", "--max-frames", "64", "--eval-every-frames", "64",
        "--eval-episodes", "2", "--no-progress", "--threads", "1", "--device", "cpu", "--plot", ""]


def run(args, cwd):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MPLBACKEND": "Agg"})


class Evil:
    "Unpickling this would create the file named in the tuple."
    def __init__(self, path): self.path = path
    def __reduce__(self): return (open, (self.path, "w"))


def good(d):
    seed_everything(0)
    save_model(MiniVLA(frame_stack=2, encoder="compact"), d / "m", instruction="keep the pole upright")
    return d / "m.safetensors"


def truncated(d):
    w = good(d); w.write_bytes(w.read_bytes()[: w.stat().st_size // 2]); return w


def random_bytes(d):
    w = good(d); w.write_bytes(os.urandom(4096)); return w


def config_of_other_encoder(d):
    w = good(d); cfg = json.loads(w.with_suffix(".json").read_text()); cfg["model"]["encoder"] = "spec"
    w.with_suffix(".json").write_text(json.dumps(cfg)); return w


def config_of_other_vocab(d):
    w = good(d); cfg = json.loads(w.with_suffix(".json").read_text()); cfg["model"]["vocab_size"] = 500
    w.with_suffix(".json").write_text(json.dumps(cfg)); return w


def empty_config(d):
    w = good(d); w.with_suffix(".json").write_text(""); return w


def malicious_pickle(d):
    p = d / "evil.pth"
    with open(p, "wb") as f: pickle.dump({"w": Evil(str(d / "PWNED"))}, f)
    p.with_suffix(".json").write_text(json.dumps({"model": {"frame_stack": 2, "encoder": "compact"}}))
    return p


CASES = {   # id: (make the file, text the error must contain)
    "truncated safetensors": (truncated, "not a valid safetensors file"),
    "random bytes": (random_bytes, "not a valid safetensors file"),
    "config of another encoder": (config_of_other_encoder, "do not match"),
    "config of another vocab": (config_of_other_vocab, "do not match"),
    "empty config": (empty_config, "not valid JSON"),
    "malicious pickle": (malicious_pickle, "refused by torch.load(weights_only=True), nothing in it was run"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_eval_refuses(tmp_path, case):
    make, text = CASES[case]
    path = make(tmp_path)
    out = run(["vla_cartpole.eval", "--weights", str(path), "--episodes", "1"], tmp_path)
    assert out.returncode == 1 and text in out.stderr and path.stem in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert not (tmp_path / "PWNED").exists()       # the payload never ran


def test_resume_other_frame_stack(tmp_path):
    assert run(["vla_cartpole.train", *TINY], tmp_path).returncode == 0
    out = run(["vla_cartpole.train", *TINY, "--max-frames", "128", "--resume", "--frame-stack", "4"], tmp_path)
    assert out.returncode == 1 and "model.safetensors" in out.stderr and "frame_stack=4 was asked for" in out.stderr and "Traceback" not in out.stderr


def test_resume_corrupt_training_state(tmp_path):
    assert run(["vla_cartpole.train", *TINY], tmp_path).returncode == 0
    (tmp_path / "checkpoints" / "train_state.pt").write_bytes(b"\x80\x04garbage")
    out = run(["vla_cartpole.train", *TINY, "--max-frames", "128", "--resume"], tmp_path)
    assert out.returncode == 1 and "train_state.pt: not a readable training state" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    # a state saved for another number of environments is refused the same way
    (tmp_path / "checkpoints" / "train_state.pt").unlink()
    assert run(["vla_cartpole.train", *TINY], tmp_path).returncode == 0
    out = run(["vla_cartpole.train", *TINY, "--max-frames", "128", "--resume", "--num-envs", "8"], tmp_path)
    assert out.returncode == 1 and "resume with the run's own --num-envs" in out.stderr and "Traceback" not in out.stderr


def test_resume_state_critic_of_another_version(tmp_path):
    args = [*TINY, "--state-critic"]
    assert run(["vla_cartpole.train", *args], tmp_path).returncode == 0
    path = tmp_path / "checkpoints" / "train_state.pt"
    st = torch.load(path, weights_only=True)
    st["state_critic"]["weights"] = {f"net.{i}.weight": w for i, w in enumerate(st["state_critic"]["weights"].values())}   # other names
    torch.save(st, path)
    out = run(["vla_cartpole.train", *args, "--max-frames", "128", "--resume"], tmp_path)
    assert out.returncode == 1 and "train_state.pt: its state critic does not fit" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
