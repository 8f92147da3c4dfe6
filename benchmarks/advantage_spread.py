"""How loud is each goal in the policy gradient? The spread of the GAE advantages of each goal's steps.

PPO standardises the advantages of a rollout as one batch before the policy loss (`ppo.standardise`), so a goal whose steps
have widely spread advantages (noisy returns, falls) pulls harder on the shared weights than a goal whose steps
agree. This script collects training rollouts with a multi-task model exactly as the trainer does (the multi-task
recipe, `make_config("tasks")`: its rewards, shaping, exploring starts and word dropout; actions sampled), computes the
advantages with the trainer's GAE from the model's own value head (the preset's state critic is trained alongside a
run and not shipped, so it is not used here), and prints, for each goal, how many steps it had and the mean and spread of their advantages (in
the trainer's reward units), then each goal's spread relative to the centre's.

    python benchmarks/advantage_spread.py [--weights PATH] [--rollouts 6] [--seed 0]
    python benchmarks/advantage_spread.py --quick  # 16 envs x 16 steps, 1 rollout after 1 left out: a smoke test, not a measurement
"""
import argparse

import numpy as np
import torch

from vla_cartpole.checkpoint import load_model, load_pretrained
from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
from vla_cartpole.gae import compute_gae_batch
from vla_cartpole.grammar import TRAIN_INSTRUCTIONS
from vla_cartpole.config import make_config, train_instructions
from vla_cartpole.rollout import EpisodeTracker, Rollout, TaskBows, collect_rollout

WARM_UP = 2   # rollouts left out at the start: every episode then starts at the same step, which no training rollout sees


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", default=None, help="a multi-task model (default: the shipped cartpole_tasks)")
    p.add_argument("--rollouts", type=int, default=6, help=f"rollouts measured, after {WARM_UP} left out")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quick", action="store_true", help=f"16 envs x 16 steps, 1 rollout after 1 left out: checks that the script runs")
    a = p.parse_args(argv)
    if a.rollouts < 1: p.error(f"--rollouts must be at least 1, got {a.rollouts}")
    warm_up, size = (1, dict(num_envs=16, rollout_steps=16)) if a.quick else (WARM_UP, {})
    if a.quick: a.rollouts = 1
    torch.manual_seed(a.seed)
    model = (load_pretrained("cartpole_tasks") if a.weights is None else load_model(a.weights))[0].float().eval()
    cfg = make_config("tasks", device="cpu", frame_stack=model.frame_stack, frame_stride=model.frame_stride, **size)
    bows = TaskBows(train_instructions(cfg), model.vocab_size)
    env = MiniCartPoleVisionVectorEnv(cfg.num_envs, cfg.max_steps, frame_stack=cfg.frame_stack, frame_stride=cfg.frame_stride,
                                      copy=False, instructions=bows.instructions, start_x_spread=cfg.start_x_spread)
    obs, _ = env.reset(seed=a.seed)
    tracker, advs, goals = EpisodeTracker(cfg.num_envs, speed_window=cfg.speed_window), [], []
    for r in range(warm_up + a.rollouts):
        buf = Rollout.empty(cfg.rollout_steps, cfg.num_envs, model.preprocess(obs), mirror=cfg.mirror)
        obs = collect_rollout(model, env, obs, bows, buf, tracker, cfg, torch.device("cpu"))
        if r < warm_up: continue
        with torch.no_grad(): next_value = model.get_value(obs, bows(bows.ids(env))).float()
        adv, _ = compute_gae_batch(buf.rewards, buf.values, next_value, buf.dones, cfg.gamma, cfg.gae_lambda, buf.trunc_values)
        advs.append(adv.reshape(-1))
        goals += [TRAIN_INSTRUCTIONS[bows.instructions[i]] for i in buf.bow_ids.reshape(-1).tolist()]
    adv, goals = torch.cat(advs), np.array(goals)
    print(f"{len(adv)} steps ({a.rollouts} rollouts of {cfg.num_envs} envs × {cfg.rollout_steps} steps), "
          f"advantages in the trainer's reward units (reward_scale {cfg.reward_scale})")
    print(f"{'goal':>10} {'steps':>6} {'mean':>7} {'spread':>7} {'× centre':>9}")
    spread = lambda v: np.float64(v.std()) if len(v) > 1 else np.float64("nan")   # nan (printed as such) for a goal with under 2 steps
    centre = spread(adv[torch.from_numpy(goals == "centre")])
    for g, v in [(g, adv[torch.from_numpy(goals == g)]) for g in dict.fromkeys(TRAIN_INSTRUCTIONS.values())] + [("all", adv)]:
        mean = float(v.mean()) if len(v) else float("nan")
        print(f"{g:>10} {len(v):>6} {mean:>+7.3f} {spread(v):>7.3f} {spread(v) / centre:>9.1f}")


if __name__ == "__main__":
    main()
