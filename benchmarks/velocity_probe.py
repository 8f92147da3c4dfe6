"""What can the encoder see? Fit a MiniVLA vision encoder (plus a linear head) by regression to the true
state (x, x_dot, theta, theta_dot) from frame stacks of different lengths, and print R^2 on held-out frames.

A one-step push changes the pole's angular velocity by about 0.3 rad/s, while the picture only shows past
motion, quantised to whole pixels (the pole tip moves ~0.2 px per step at 0.5 rad/s). So velocities are only
partly observable from pixels, whatever the stack length: this is the information the policy has to act on.

    python benchmarks/velocity_probe.py [--stacks 1 2 4] [--encoder compact] [--steps 1500]
    python benchmarks/velocity_probe.py --quick    # stack 1, 10 steps on 128 frames: a smoke test, not a measurement
"""
import argparse
import time

import numpy as np
import torch

from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
from vla_cartpole.model import MiniVLA, seed_everything


def collect(k: int, n_steps: int, seed: int, num_envs: int = 64):
    "Frames and true states from a noisy stabilising controller (diverse, mostly upright states)."
    env = MiniCartPoleVisionVectorEnv(num_envs, frame_stack=k)
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    frames, states = [], []
    for _ in range(n_steps):
        s = env.state
        push_right = s[:, 2] + 0.3 * s[:, 3] + 0.05 * s[:, 0] + 0.1 * s[:, 1] > 0
        action = (push_right ^ (rng.random(num_envs) < 0.25)).astype(int)
        frames.append(obs); states.append(s.copy())
        obs, *_ = env.step(action)
    return np.concatenate(frames), np.concatenate(states)


def probe(k: int, encoder: str, steps: int, seed: int = 0, train_steps: int = 300, test_steps: int = 40,
          num_envs: int = 64) -> np.ndarray:
    "R² of each state variable on held-out frames after `steps` regression steps on `train_steps` x `num_envs` frames."
    seed_everything(seed)
    x_train, s_train = collect(k, train_steps, seed, num_envs)
    x_test, s_test = collect(k, test_steps, seed + 99, num_envs)
    mu, sd = s_train.mean(0), s_train.std(0)
    y_train = torch.tensor((s_train - mu) / sd, dtype=torch.float32)
    y_test = torch.tensor((s_test - mu) / sd, dtype=torch.float32)
    model = MiniVLA(frame_stack=k, encoder=encoder)
    width = model.actor[0].in_features - model.text[0].out_features
    head = torch.nn.Linear(width, 4)
    opt = torch.optim.Adam([*model.vision.parameters(), *head.parameters()], lr=1e-3)

    def predict(frames):
        x = torch.as_tensor(frames)
        if k > 1: x = x.permute(0, 2, 3, 1, 4).reshape(x.shape[0], 64, 256, 3 * k)
        return head(model.vision(x.permute(0, 3, 1, 2).float() / 255))

    rng = np.random.default_rng(seed)
    for _ in range(steps):
        idx = rng.integers(0, len(x_train), 128)
        loss = ((predict(x_train[idx]) - y_train[idx]) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        pred = torch.cat([predict(x_test[i:i + 512]) for i in range(0, len(x_test), 512)])
    return (1 - ((pred - y_test) ** 2).mean(0) / y_test.var(0)).numpy()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stacks", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--encoder", default="compact", choices=["compact", "spec"])
    p.add_argument("--steps", type=int, default=1500, help="regression steps (batch 128)")
    p.add_argument("--quick", action="store_true", help="stack 1, 10 regression steps on 16 x 8 frames: checks that the script runs")
    args = p.parse_args(argv)
    sizes = dict(train_steps=16, test_steps=4, num_envs=8) if args.quick else {}
    if args.quick: args.stacks, args.steps = args.stacks[:1], 10
    print(f"| frames stacked | R² x | R² x_dot | R² theta | R² theta_dot | seconds |\n|---|---|---|---|---|---|")
    for k in args.stacks:
        t0 = time.perf_counter()
        r2 = probe(k, args.encoder, args.steps, **sizes)
        print(f"| {k} | {r2[0]:.3f} | {r2[1]:.3f} | {r2[2]:.3f} | {r2[3]:.3f} | {time.perf_counter() - t0:.0f} |", flush=True)


if __name__ == "__main__":
    main()
