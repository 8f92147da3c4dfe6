"""Time to solve pixel CartPole with the default CPU recipe, from scratch, for several seeds; then learner
throughput of that recipe with bf16 autocast side by side with plain fp32 (same machine, same run).

    python benchmarks/time_to_solve.py [--seeds 0 1 2] [--max-minutes 30] [--skip-solve]

'Solved' = greedy evaluation on 100 seeded episodes with mean length >= 195 and mean return >= 380.
"""
import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from vla_cartpole.env import MiniCartPoleVisionVectorEnv
from vla_cartpole.eval import evaluate_model
from vla_cartpole.model import MiniVLA, seed_everything
from vla_cartpole.text import make_bow_instruction
from vla_cartpole.train import EpisodeTracker, Rollout, collect_rollout, make_config, make_optimizer, run_training, update


def solve_runs(seeds, max_minutes):
    rows = []
    for seed in seeds:
        out = Path(tempfile.mkdtemp())
        cfg = make_config("cpu", seed=seed, max_minutes=max_minutes, progress=False, save_path=str(out / "model"),
                          checkpoint_dir=str(out / "ckpt"), log_dir=str(out / "runs"))
        res = run_training(cfg)
        final = evaluate_model(MiniCartPoleVisionVectorEnv(50, frame_stack=cfg.frame_stack), res.model, cfg.instruction, 100, seed=0)
        rows.append((seed, res, final))
        s = res.solved_at
        print(f"seed {seed}: " + (f"solved at {s['frames']:,} frames in {s['minutes']:.1f} min" if s else f"NOT solved ({res.stop_reason})")
              + f"; {res.frames / res.seconds:,.0f} frames/s; held-out eval (seeds 0-99): length {final['avg_length']:.1f}, "
              f"return {final['avg_reward']:.1f}", flush=True)
    return rows


def learner_fps(bf16: bool, updates: int = 3, seed: int = 0) -> tuple[float, float]:
    "(env frames per second of collect + update, samples per second through forward+backward in the update)."
    cfg = make_config("cpu", bf16=bf16, progress=False)
    seed_everything(seed)
    model = MiniVLA(frame_stack=cfg.frame_stack, encoder=cfg.encoder)
    opt = make_optimizer(model, cfg)
    env = MiniCartPoleVisionVectorEnv(cfg.num_envs, frame_stack=cfg.frame_stack, copy=False)
    obs, _ = env.reset(seed=seed)
    bow = make_bow_instruction(cfg.instruction)
    buf = Rollout.empty(cfg.rollout_steps, cfg.num_envs, env.single_observation_space.shape)
    tracker = EpisodeTracker(cfg.num_envs)
    t_collect = t_update = 0.0
    for _ in range(updates + 1):
        t0 = time.perf_counter()
        obs = collect_rollout(model, env, obs, bow, buf, tracker, cfg, torch.device("cpu"))
        with torch.no_grad(): nv = model.get_value(obs, bow)
        t1 = time.perf_counter()
        update(model, opt, buf, nv, bow, cfg, torch.device("cpu"))
        t2 = time.perf_counter()
        if _ > 0: t_collect += t1 - t0; t_update += t2 - t1   # first round is warm-up
    frames = updates * buf.actions.numel()
    return frames / (t_collect + t_update), frames * cfg.update_epochs / t_update


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--max-minutes", type=float, default=30.0)
    p.add_argument("--skip-solve", action="store_true", help="only measure throughput")
    args = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    if not args.skip_solve:
        rows = solve_runs(args.seeds, args.max_minutes)
        solved = [r.solved_at for _, r, _ in rows if r.solved_at]
        print(f"\n| seed | frames to solve | minutes to solve | training frames/s | held-out length | held-out return |\n|---|---|---|---|---|---|")
        for seed, r, f in rows:
            s = r.solved_at
            print(f"| {seed} | {s['frames']:,} | {s['minutes']:.1f} | {r.frames / r.seconds:,.0f} | {f['avg_length']:.1f} | {f['avg_reward']:.1f} |"
                  if s else f"| {seed} | not solved | > {r.seconds / 60:.1f} | {r.frames / r.seconds:,.0f} | {f['avg_length']:.1f} | {f['avg_reward']:.1f} |")
        if solved:
            print(f"solved {len(solved)}/{len(rows)}; median {np.median([s['frames'] for s in solved]):,.0f} frames, "
                  f"{np.median([s['minutes'] for s in solved]):.1f} min")
    fp32, bf16 = learner_fps(False), learner_fps(True)
    print(f"\n| precision | env frames/s (collect + update) | update samples/s (fwd+bwd) |\n|---|---|---|")
    print(f"| fp32 | {fp32[0]:,.0f} | {fp32[1]:,.0f} |\n| bf16 autocast | {bf16[0]:,.0f} | {bf16[1]:,.0f} |")
    print(f"bf16 / fp32: {bf16[0] / fp32[0]:.2f}x end to end, {bf16[1] / fp32[1]:.2f}x in the update")


if __name__ == "__main__":
    main()
