"The installed package: public API, version, registration."
import gymnasium as gym

import vla_cartpole
from vla_cartpole import MiniCartPoleVisionEnv, MiniVLA, make_bow_instruction


def test_public_api_and_version():
    assert vla_cartpole.__version__ == "0.1.0"
    assert callable(make_bow_instruction) and issubclass(MiniCartPoleVisionEnv, gym.Env)
    assert sum(p.numel() for p in MiniVLA().parameters()) == 4_320_099


def test_registered_ids():
    env = gym.make("VLACartPole-v0", max_episode_steps=10)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (64, 256, 3)
    venv = gym.make_vec("VLACartPole-v0", num_envs=3, frame_stack=2)
    obs, _ = venv.reset(seed=0)
    assert obs.shape == (3, 2, 64, 256, 3)
