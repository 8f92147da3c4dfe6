"""How loud is each goal in the policy gradient? The spread of the GAE advantages of each goal's steps.

PPO standardises the advantages of a rollout before the policy loss (`adv_norm="batch"`), so a goal whose steps
have widely spread advantages (noisy returns, falls) pulls harder on the shared weights than a goal whose steps
agree. This script collects training rollouts with a multi-task model exactly as the trainer does (the multi-task
recipe's rewards, shaping, exploring starts and word dropout; actions sampled), computes the advantages with the
trainer's GAE, and prints, for each goal, how many steps it had and the mean and spread of their advantages (in
the trainer's reward units), then each goal's spread relative to the centre's.

    python benchmarks/advantage_spread.py [--weights PATH] [--rollouts 6] [--seed 0]
"""
import argparse

import numpy as np
import torch

from vla_cartpole.checkpoint import load_model, load_pretrained
from vla_cartpole.env import MiniCartPoleVisionVectorEnv
from vla_cartpole.gae import compute_gae_batch
from vla_cartpole.tasks import TRAIN_INSTRUCTIONS
from vla_cartpole.train import EpisodeTracker, Rollout, TaskBows, collect_rollout, kept_words, make_config, train_instructions

WARM_UP = 2   # rollouts left out at the start: every episode then starts at the same step, which no training rollout sees


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", default=None, help="a multi-task model (default: the shipped cartpole_tasks)")
    p.add_argument("--rollouts", type=int, default=6, help=f"rollouts measured, after {WARM_UP} left out")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    torch.manual_seed(a.seed)
    model = (load_pretrained("cartpole_tasks") if a.weights is None else load_model(a.weights))[0].float().eval()
    cfg = make_config("cpu", multi_task=True, frame_stack=model.frame_stack, frame_stride=model.frame_stride)
    bows = TaskBows(train_instructions(cfg), model.vocab_size, None, cfg.word_dropout,
                    torch.Generator().manual_seed(a.seed), keep_words=kept_words(cfg), phrase_mix=cfg.phrase_mix)
    env = MiniCartPoleVisionVectorEnv(cfg.num_envs, cfg.max_steps, frame_stack=cfg.frame_stack, frame_stride=cfg.frame_stride,
                                      copy=False, instructions=bows.instructions, start_x_spread=cfg.start_x_spread)
    obs, _ = env.reset(seed=a.seed)
    tracker, advs, goals = EpisodeTracker(cfg.num_envs), [], []
    for r in range(WARM_UP + a.rollouts):
        buf = Rollout.empty(cfg.rollout_steps, cfg.num_envs, env.single_observation_space.shape)
        obs = collect_rollout(model, env, obs, bows, buf, tracker, cfg, torch.device("cpu"))
        if r < WARM_UP: continue
        with torch.no_grad(): next_value = model.get_value(obs, bows(bows.ids(env))).float()
        adv, _ = compute_gae_batch(buf.rewards, buf.values, next_value, buf.dones, cfg.gamma, cfg.gae_lambda, buf.trunc_values)
        advs.append(adv.reshape(-1))
        goals += [TRAIN_INSTRUCTIONS[bows.instructions[i]] for i in bows.instruction_of(buf.tasks.reshape(-1)).tolist()]
    adv, goals = torch.cat(advs), np.array(goals)
    print(f"{len(adv)} steps ({a.rollouts} rollouts of {cfg.num_envs} envs × {cfg.rollout_steps} steps), "
          f"advantages in the trainer's reward units (reward_scale {cfg.reward_scale})")
    print(f"{'goal':>10} {'steps':>6} {'mean':>7} {'spread':>7} {'× centre':>9}")
    centre = adv[torch.from_numpy(goals == "centre")].std()
    for g in dict.fromkeys(TRAIN_INSTRUCTIONS.values()):
        v = adv[torch.from_numpy(goals == g)]
        print(f"{g:>10} {len(v):>6} {v.mean():>+7.3f} {v.std():>7.3f} {v.std() / centre:>9.1f}")
    print(f"{'all':>10} {len(adv):>6} {adv.mean():>+7.3f} {adv.std():>7.3f} {adv.std() / centre:>9.1f}")


if __name__ == "__main__":
    main()
