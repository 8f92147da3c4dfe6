"""Env frames/s with rendering at N environments on one core: the array-based vector env side by side
with gymnasium's SyncVectorEnv looping over single envs. Prints measured figures and their ratio.

    python benchmarks/env_throughput.py [--num-envs 1000] [--steps 50] [--loop-steps 5]
    python benchmarks/env_throughput.py --quick    # 8 envs, 3 + 2 steps: a smoke test, not a measurement
"""
import os

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"  # one core

import argparse
import time

import gymnasium as gym
import numpy as np

from vla_cartpole.env import MiniCartPoleVisionEnv
from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv


def frames_per_second(venv, steps: int, num_envs: int, seed: int = 0) -> float:
    venv.reset(seed=seed)
    actions = np.random.default_rng(seed).integers(0, 2, (steps + 2, num_envs))
    venv.step(actions[0]); venv.step(actions[1])  # warm-up
    t0 = time.perf_counter()
    for a in actions[2:]: venv.step(a)
    return steps * num_envs / (time.perf_counter() - t0)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num-envs", type=int, default=1000)
    p.add_argument("--steps", type=int, default=50, help="timed steps of the vector env")
    p.add_argument("--loop-steps", type=int, default=5, help="timed steps of the SyncVectorEnv loop (it is slow)")
    p.add_argument("--quick", action="store_true", help="8 envs, 3 steps, 2 loop steps: checks that the script runs")
    args = p.parse_args(argv)
    if args.quick: args.num_envs, args.steps, args.loop_steps = 8, 3, 2
    n = args.num_envs
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        pinned = "pinned to one core"
    except (AttributeError, OSError):
        pinned = "one thread (could not pin to a core)"
    print(f"N = {n} environments, rendering every frame, {pinned}")
    loop = gym.vector.SyncVectorEnv([lambda: MiniCartPoleVisionEnv() for _ in range(n)],
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    loop_fps = frames_per_second(loop, args.loop_steps, n)
    print(f"{'SyncVectorEnv over single envs':48s}{loop_fps:>14,.0f} frames/s")
    for k in (1, 2):
        for copy in (False, True):
            fps = frames_per_second(MiniCartPoleVisionVectorEnv(n, frame_stack=k, copy=copy), args.steps, n)
            label = f"MiniCartPoleVisionVectorEnv k={k} copy={copy}"
            print(f"{label:48s}{fps:>14,.0f} frames/s   {fps / loop_fps:6.1f}x the loop")


if __name__ == "__main__":
    main()
