"""`torchrun --nproc-per-node 2 -m vla_cartpole.train` on the CPU (gloo): DDP keeps both ranks' weights bit-identical,
rank 0's checkpoint loads, and `--resume` continues with the same number of ranks."""
import os
import re
import subprocess
import sys

import pytest

from vla_cartpole.checkpoint import load_model
from vla_cartpole.distributed import parameters_digest

ARGS = ["--num-envs", "8", "--rollout-steps", "16", "--num-minibatches", "2", "--eval-every-frames", "256", "--eval-episodes", "2",
        "--checkpoint-every-frames", "256", "--no-progress", "--threads", "1", "--device", "cpu", "--plot", ""]


def torchrun(cwd, nproc, *extra):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(nproc), "-m", "vla_cartpole.train",
           *ARGS, *extra]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env={**os.environ, "MPLBACKEND": "Agg"})


def digests(out):
    found = dict(re.findall(r"rank (\d)/2: parameters sha256 ([0-9a-f]{64})", out.stdout))
    assert sorted(found) == ["0", "1"], out.stdout + out.stderr
    return found


def test_two_cpu_ranks_stay_identical_and_resume(tmp_path):
    out = torchrun(tmp_path, 2, "--max-frames", "512")
    assert out.returncode == 0, out.stderr[-3000:]
    d = digests(out)
    assert d["0"] == d["1"]                                   # DDP averaged the gradients: the ranks took the same steps
    model, cfg = load_model(tmp_path / "model")              # rank 0's checkpoint
    assert cfg["step"] == 512 and parameters_digest(model) == d["0"]
    assert out.stdout.count("greedy evaluation, 100 episodes") == 1      # rank 0 alone evaluates and reports
    assert len((tmp_path / "runs" / "metrics.csv").read_text().splitlines()) == 1 + 4   # one row per update, written once

    again = torchrun(tmp_path, 2, "--max-frames", "768", "--resume")
    assert again.returncode == 0, again.stderr[-3000:]
    d2 = digests(again)
    assert d2["0"] == d2["1"] != d["0"]
    assert load_model(tmp_path / "model")[1]["step"] == 768


def test_resume_with_another_number_of_ranks_is_refused(tmp_path):
    assert torchrun(tmp_path, 2, "--max-frames", "256").returncode == 0
    out = subprocess.run([sys.executable, "-m", "vla_cartpole.train", *ARGS, "--max-frames", "512", "--resume"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "saved by a run with 2 rank(s); resume it with as many, not 1" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
