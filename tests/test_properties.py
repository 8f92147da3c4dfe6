"Property-based tests: any action sequence keeps the env well-formed; any text gives a bag with one count per word."
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vla_cartpole.env import MiniCartPoleVisionEnv
from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
from vla_cartpole.grammar import CLASSIC, HELD_OUT_COMBINATIONS, HELD_OUT_WORDS, TRAIN_INSTRUCTIONS
from vla_cartpole.text import make_bow_instruction


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), actions=st.lists(st.integers(0, 1), min_size=1, max_size=60), stack=st.integers(1, 3),
       instruction=st.sampled_from([*CLASSIC, *HELD_OUT_COMBINATIONS, *list(HELD_OUT_WORDS)[:50], "some words outside the task set"]))
def test_env_any_action_sequence(seed, actions, stack, instruction):
    env = MiniCartPoleVisionEnv(max_episode_steps=50, frame_stack=stack)
    obs, info = env.reset(seed=seed, options={"instruction": instruction})
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(a)
        assert env.observation_space.contains(obs)
        assert all(math.isfinite(info[k]) for k in ("x", "x_dot", "theta", "theta_dot")) and 0.0 <= reward <= 2.0
        assert info["instruction"] == instruction
        if terminated: assert reward == 0.0
        if terminated or truncated: obs, info = env.reset(options={"instruction": instruction})


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), actions=st.lists(st.lists(st.integers(0, 1), min_size=3, max_size=3), min_size=1, max_size=40))
def test_vector_env_any_action_sequence(seed, actions):
    env = MiniCartPoleVisionVectorEnv(3, max_episode_steps=25, frame_stack=2, instructions=list(TRAIN_INSTRUCTIONS))
    obs, _ = env.reset(seed=seed)
    for a in actions:
        obs, reward, terminated, truncated, info = env.step(np.array(a))
        assert env.observation_space.contains(obs)
        assert np.isfinite(info["x"]).all() and np.isfinite(info["theta"]).all()
        assert ((reward >= 0) & (reward <= 2)).all()


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=80), vocab=st.integers(1, 2000))
def test_bow_counts_words(text, vocab):
    words = text.lower().split()
    if not words: return  # whitespace-only text is refused, tested in 01_text
    bow = make_bow_instruction(text, vocab)
    assert bow.shape == (vocab,) and float(bow.sum()) == len(words) and (bow >= 0).all()
