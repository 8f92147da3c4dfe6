"""The same PPO recipe as the CPU preset, but on the information a frame stack carries, read perfectly: the cart's
pixel column, the pole tip's pixel column offset and row, and their change since the previous frame (6 numbers,
a tiny MLP, no CNN). Prints greedy evaluations on 100 episodes (seeds 0-99) as training goes.

It separates the two halves of the problem: if this agent cannot reach the bar (mean length >= 195, return >= 380),
no pixel encoder can make the default recipe reach it either.

    python benchmarks/quantised_ceiling.py [--num-envs 16] [--lr 5e-4] [--entropy-coef 0.01] [--anneal] [--gamma 0.99]
    python benchmarks/quantised_ceiling.py --quick     # 512 frames, 2 evaluation episodes: a smoke test, not a measurement
"""
import argparse
import time

import numpy as np
import torch
from gymnasium.utils import seeding
from torch.distributions import Categorical

from vla_cartpole.env import CART_TOP, POLE_LEN, _sample_reset_state, cart_columns, is_terminated, physics_step, shaped_reward


def pixel_features(state: np.ndarray) -> np.ndarray:
    "What one frame shows, in pixels: cart column, pole-tip column offset, pole-tip row (scaled to about ±1)."
    cx = cart_columns(state[:, 0])
    tip_col = np.rint(cx + POLE_LEN * np.sin(state[:, 2]))
    tip_row = np.rint(CART_TOP - POLE_LEN * np.cos(state[:, 2]))
    return np.stack([(cx - 128) / 96, (tip_col - cx) / 10, (tip_row - 20) / 5], 1)


class FeatureEnv:
    "N CartPoles (same physics, reward and seeding as the pixel env) observed through `pixel_features` of 2 frames."
    def __init__(self, n: int, seed: int):
        self.n, self.rngs = n, [seeding.np_random(seed + i)[0] for i in range(n)]
        self.state, self.steps, self.prev = np.zeros((n, 4)), np.zeros(n, int), np.zeros((n, 3))
        self._reset(np.arange(n))

    def _reset(self, idx):
        for i in idx: self.state[i] = _sample_reset_state(self.rngs[i])
        self.steps[idx] = 0
        self.prev[idx] = pixel_features(self.state)[idx]

    def obs(self) -> np.ndarray:
        f = pixel_features(self.state)
        return np.concatenate([f, f - self.prev], 1).astype(np.float32)

    def step(self, actions):
        current = pixel_features(self.state)
        self.state = physics_step(self.state, actions); self.steps += 1
        terminated = is_terminated(self.state); reward = shaped_reward(self.state, terminated)
        truncated = self.steps >= 200
        self.prev = current
        final = self.obs()
        done = np.flatnonzero(terminated | truncated)
        if len(done): self._reset(done)
        return reward, terminated, truncated, final


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num-envs", type=int, default=16); p.add_argument("--rollout-steps", type=int, default=64)
    p.add_argument("--lr", type=float, default=5e-4); p.add_argument("--entropy-coef", type=float, default=0.01)
    p.add_argument("--gamma", type=float, default=0.99); p.add_argument("--anneal", action="store_true", help="linear LR decay to 0")
    p.add_argument("--max-frames", type=int, default=1_000_000); p.add_argument("--eval-every", type=int, default=102_400)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-episodes", type=int, default=100, help="greedy evaluation episodes (seeds 0 .. N-1)")
    p.add_argument("--quick", action="store_true", help="8 envs x 32 steps, 512 frames, an evaluation every 256 frames "
                   "on 2 episodes: checks that the script runs")
    a = p.parse_args(argv)
    if a.quick: a.num_envs, a.rollout_steps, a.max_frames, a.eval_every, a.eval_episodes = 8, 32, 512, 256, 2
    torch.manual_seed(a.seed); torch.set_num_threads(1)
    N, T, lam = a.num_envs, a.rollout_steps, 0.95
    body = torch.nn.Sequential(torch.nn.Linear(6, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh())
    actor, critic = torch.nn.Linear(64, 2), torch.nn.Linear(64, 1)
    params = [*body.parameters(), *actor.parameters(), *critic.parameters()]
    opt = torch.optim.Adam(params, lr=a.lr, eps=1e-5)

    def forward(o):
        h = body(torch.as_tensor(o))
        return actor(h), critic(h).squeeze(-1)

    @torch.no_grad()
    def evaluate(n=a.eval_episodes):
        env = FeatureEnv(n, 0); ret, length, alive = np.zeros(n), np.zeros(n), np.ones(n, bool)
        while alive.any():
            r, te, tr, _ = env.step(forward(env.obs())[0].argmax(1).numpy())
            ret += r * alive; length += alive; alive &= ~(te | tr)
        return length.mean(), ret.mean()

    env, frames, t0 = FeatureEnv(N, 1000 + a.seed), 0, time.time()
    print(f"greedy evaluations on {a.eval_episodes} episodes (seeds 0-{a.eval_episodes - 1})")
    print(f"| frames | seconds | greedy length | greedy return |\n|---|---|---|---|")
    while frames < a.max_frames:
        if a.anneal:
            for g in opt.param_groups: g["lr"] = a.lr * (1 - frames / a.max_frames)
        obs, acts, logps, vals, rews, dones = [], [], [], [], [], []
        with torch.no_grad():
            o = env.obs()
            for _ in range(T):
                logits, v = forward(o); dist = Categorical(logits=logits); act = dist.sample()
                r, te, tr, final = env.step(act.numpy())
                r = r * 0.1
                cut = np.flatnonzero(tr & ~te)
                if len(cut): r[cut] += a.gamma * forward(final[cut])[1].numpy()   # bootstrap truncations
                obs.append(o); acts.append(act); logps.append(dist.log_prob(act)); vals.append(v)
                rews.append(torch.as_tensor(r, dtype=torch.float32)); dones.append(torch.as_tensor(te | tr, dtype=torch.float32))
                o = env.obs()
            next_v = forward(o)[1]
        vals, rews, dones = torch.stack(vals), torch.stack(rews), torch.stack(dones)
        adv, last = torch.zeros(T, N), torch.zeros(N)
        for t in reversed(range(T)):
            following = next_v if t == T - 1 else vals[t + 1]
            alive = 1 - dones[t]
            last = rews[t] + a.gamma * following * alive - vals[t] + a.gamma * lam * alive * last
            adv[t] = last
        ret = (adv + vals).flatten(); adv = adv.flatten(); adv = (adv - adv.mean()) / (adv.std() + 1e-8)
        ob, ac, lp = torch.as_tensor(np.concatenate(obs)), torch.cat(acts), torch.cat(logps)
        for _ in range(4):
            perm = torch.randperm(N * T)
            for j in range(0, N * T, 256):
                i = perm[j:j + 256]
                logits, v = forward(ob[i]); dist = Categorical(logits=logits)
                ratio = (dist.log_prob(ac[i]) - lp[i]).exp()
                loss = (torch.max(-adv[i] * ratio, -adv[i] * ratio.clamp(0.8, 1.2)).mean() + 0.25 * (v - ret[i]).pow(2).mean()
                        - a.entropy_coef * dist.entropy().mean())
                opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params, 0.5); opt.step()
        frames += N * T
        if frames % a.eval_every < N * T:
            length, ret_ = evaluate()
            print(f"| {frames:,} | {time.time() - t0:.0f} | {length:.1f} | {ret_:.1f} |", flush=True)


if __name__ == "__main__":
    main()
