"""Bad inputs, in one place: every one raises (or exits with) a clear error that names the input and what was expected.

The library cases run in-process; the command-line cases run the real CLI and also check that the user sees one
line and no traceback. Each id says what is wrong."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from vla_cartpole import MiniCartPoleVisionEnv, MiniCartPoleVisionVectorEnv, MiniVLA, make_bow_instruction
from vla_cartpole.checkpoint import save_model
from vla_cartpole.train import make_config, run_training


def env():
    e = MiniCartPoleVisionEnv(); e.reset(seed=0); return e


def venv():
    v = MiniCartPoleVisionVectorEnv(3); v.reset(seed=0); return v


def model(**kw): return MiniVLA(frame_stack=2, encoder="compact", **kw)


IMG = np.zeros((2, 2, 64, 256, 3), np.uint8)
BOW = make_bow_instruction("keep the pole upright")

LIBRARY = {   # id: (call, exception type, text the message must contain)
    "env action 2": (lambda: env().step(2), ValueError, "got 2"),
    "env action float": (lambda: env().step(0.5), ValueError, "got 0.5"),
    "env action array": (lambda: env().step(np.array([0, 1])), ValueError, "action must be the integer 0"),
    "env action bool": (lambda: env().step(True), ValueError, "got True"),
    "env max_episode_steps 0": (lambda: MiniCartPoleVisionEnv(max_episode_steps=0), ValueError, "max_episode_steps"),
    "env frame_stack -1": (lambda: MiniCartPoleVisionEnv(frame_stack=-1), ValueError, "frame_stack"),
    "env render_mode human": (lambda: MiniCartPoleVisionEnv(render_mode="human"), ValueError, "render_mode"),
    "env unknown reset option": (lambda: env().reset(options={"gravity": 3}), ValueError, "'gravity'"),
    "env reset options not a dict": (lambda: env().reset(options=[1]), TypeError, "options must be a dict"),
    "vector env action shape": (lambda: venv().step([0, 1]), ValueError, "shape (3,)"),
    "vector env seed list length": (lambda: venv().reset(seed=[1, 2]), ValueError, "list of 3 seeds"),
    "vector env num_envs 0": (lambda: MiniCartPoleVisionVectorEnv(0), ValueError, "num_envs"),
    "text not a str": (lambda: make_bow_instruction(42), TypeError, "instruction must be a str"),
    "text empty": (lambda: make_bow_instruction("   "), ValueError, "at least one word"),
    "text vocab_size 0": (lambda: make_bow_instruction("hi", vocab_size=0), ValueError, "vocab_size"),
    "model image shape": (lambda: model()(IMG[:, :1], BOW), ValueError, "image must have shape"),
    "model image dtype": (lambda: model()(IMG.astype(np.float32), BOW), ValueError, "image must be uint8"),
    "model bow size": (lambda: model()(IMG, torch.zeros(7)), ValueError, "bow_text must have shape"),
    "model encoder name": (lambda: MiniVLA(encoder="resnet"), ValueError, "encoder must be one of"),
    "trainer num_envs 0": (lambda: make_config("cpu", num_envs=0), ValueError, "num_envs must be a positive integer"),
    "trainer unknown preset": (lambda: make_config("tpu"), ValueError, "preset must be one of"),
    "trainer unknown option": (lambda: make_config("cpu", learning_rate=1), TypeError, "learning_rate"),
    "trainer gamma 2": (lambda: make_config("cpu", gamma=2.0), ValueError, "gamma must be in (0, 1]"),
}


@pytest.mark.parametrize("case", list(LIBRARY))
def test_library_bad_input(case):
    call, exc, text = LIBRARY[case]
    with pytest.raises(exc) as info: call()
    assert text in str(info.value), str(info.value)


def test_trainer_unwritable_save_path(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    cfg = make_config("cpu", save_path=str(tmp_path / "a_file" / "model"), device="cpu", max_frames=64, progress=False)
    with pytest.raises(ValueError, match="save_path: cannot write"): run_training(cfg)


def cli(args, cwd):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MPLBACKEND": "Agg"})


@pytest.fixture
def weights(tmp_path):
    save_model(model(), tmp_path / "m", instruction="keep the pole upright")
    (tmp_path / "a_file").write_text("not a folder")
    return str(tmp_path / "m.safetensors")


CLI = {   # id: (argv with {w} for good weights, exit code, text on stderr)
    "train negative num-envs": (["vla_cartpole.train", "--num-envs", "-3"], 2, "--num-envs must be a positive integer"),
    "train unknown preset": (["vla_cartpole.train", "--preset", "tpu"], 2, "--preset must be one of"),
    "train zero rollout-steps": (["vla_cartpole.train", "--rollout-steps", "0"], 2, "--rollout-steps must be a positive integer"),
    "train unwritable save-path": (["vla_cartpole.train", "--save-path", "a_file/model"], 2, "save_path: cannot write a_file/model"),
    "train unwritable checkpoint-dir": (["vla_cartpole.train", "--checkpoint-dir", "a_file/ckpt"], 2, "checkpoint_dir: cannot write"),
    "train unwritable plot": (["vla_cartpole.train", "--plot", "a_file/curve.png"], 2, "--plot: cannot write a_file/curve.png"),
    "eval zero episodes": (["vla_cartpole.eval", "--weights", "{w}", "--episodes", "0"], 2, "--episodes must be at least 1"),
    "eval unwritable json": (["vla_cartpole.eval", "--weights", "{w}", "--json", "a_file/r.json"], 2, "--json: cannot write a_file/r.json"),
    "eval empty instruction": (["vla_cartpole.eval", "--weights", "{w}", "--instruction", ""], 2, "at least one word"),
    "visualize gif into a folder": (["vla_cartpole.visualize", "--weights", "{w}", "--no-show", "--save-gif", "."], 2, "--save-gif must be a file name ending in .gif"),
    "visualize unwritable plot": (["vla_cartpole.visualize", "--weights", "{w}", "--no-show", "--save-plot", "a_file/p.png"], 2,
                                  "--save-plot: cannot write a_file/p.png"),
    "visualize gif-fps 0": (["vla_cartpole.visualize", "--weights", "{w}", "--no-show", "--gif-fps", "0"], 2, "--gif-fps must be at least 1"),
}


@pytest.mark.parametrize("case", list(CLI))
def test_cli_bad_input(case, weights, tmp_path):
    argv, code, text = CLI[case]
    out = cli([a.replace("{w}", weights) for a in argv], tmp_path)
    assert out.returncode == code and text in out.stderr, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "model.safetensors").exists()   # nothing was trained before the error
