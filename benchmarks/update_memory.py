"""Peak memory (RSS) of one spec-sized A2C update on the CPU: 1,000 envs x 32 steps with the spec encoder,
collected under no_grad and learned in minibatches. Prints the peak RSS after collection and after the update.

    python benchmarks/update_memory.py [--num-envs 1000] [--rollout-steps 32] [--frame-stack 2]
    python benchmarks/update_memory.py --quick     # 8 envs x 16 steps: a smoke test, not a measurement
"""
import argparse
import resource
import time

import torch

from vla_cartpole.config import make_config, new_model, train_instructions
from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
from vla_cartpole.model import seed_everything
from vla_cartpole.ppo import make_optimizer, update
from vla_cartpole.rollout import EpisodeTracker, TaskBows, collect_rollout, new_rollout


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20   # Linux reports KiB


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num-envs", type=int, default=1000)
    p.add_argument("--rollout-steps", type=int, default=32)
    p.add_argument("--frame-stack", type=int, default=2)
    p.add_argument("--quick", action="store_true", help="8 envs x 16 steps: checks that the script runs")
    args = p.parse_args(argv)
    if args.quick: args.num_envs, args.rollout_steps = 8, 16
    cfg = make_config("gpu", device="cpu", num_envs=args.num_envs, rollout_steps=args.rollout_steps,
                      frame_stack=args.frame_stack, progress=False)
    seed_everything(0)
    model = new_model(cfg)
    opt = make_optimizer(model, cfg)
    env = MiniCartPoleVisionVectorEnv(cfg.num_envs, frame_stack=cfg.frame_stack, copy=False)
    obs, _ = env.reset(seed=0)
    bows = TaskBows(train_instructions(cfg), model.vocab_size)
    print(f"{cfg.algo.upper()} update, {cfg.encoder} encoder, {cfg.num_envs} envs x {cfg.rollout_steps} steps, "
          f"frame stack {cfg.frame_stack}, {cfg.num_minibatches} minibatches, bf16={cfg.bf16}")
    print(f"peak RSS after set-up:      {peak_rss_gib():6.2f} GiB")
    buf = new_rollout(model, cfg, cfg.num_envs, obs)
    t0 = time.perf_counter()
    obs = collect_rollout(model, env, obs, bows, buf, EpisodeTracker(cfg.num_envs), cfg, torch.device("cpu"))
    with torch.no_grad(): nv = model.get_value(obs, bows(bows.ids(env))).float()
    t1 = time.perf_counter()
    print(f"peak RSS after collection:  {peak_rss_gib():6.2f} GiB  ({buf.seen.nbytes / 2**30:.2f} GiB of stored observations, {t1 - t0:.0f} s)")
    stats = update(model, opt, buf, nv, bows, cfg, torch.device("cpu"))
    t2 = time.perf_counter()
    print(f"peak RSS after the update:  {peak_rss_gib():6.2f} GiB  ({t2 - t1:.0f} s; losses {stats})")


if __name__ == "__main__":
    main()
