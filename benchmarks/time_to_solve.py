"""Time to solve pixel CartPole with the default CPU recipe, from scratch, for several seeds; then learner
throughput of that recipe with bf16 autocast side by side with plain fp32 (same machine, same run).

    python benchmarks/time_to_solve.py [--seeds 0 1 2] [--max-minutes 30] [--threads T] [--skip-solve]
    python benchmarks/time_to_solve.py --quick     # 1 seed, 1,024 frames, 2 evaluation episodes: a smoke test, not a measurement

'Solved' = greedy evaluation on 100 seeded episodes with mean length >= 195 and mean return >= 380.
"""
import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from vla_cartpole.config import make_config, new_model, train_instructions
from vla_cartpole.eval import env_for, evaluate_model
from vla_cartpole.model import seed_everything
from vla_cartpole.ppo import make_optimizer, update
from vla_cartpole.rollout import EpisodeTracker, Observer, TaskBows, collect_rollout, new_rollout
from vla_cartpole.train import run_training


def solve_runs(seeds, max_minutes, threads=None, max_frames=None, eval_episodes=100):
    "Train the CPU preset from scratch once per seed; print and return (seed, TrainResult, held-out evaluation) rows."
    rows = []
    for seed in seeds:
        out = Path(tempfile.mkdtemp())
        extra = {} if max_frames is None else dict(max_frames=max_frames)
        cfg = make_config("cpu", seed=seed, max_minutes=max_minutes, progress=False, threads=threads, save_path=str(out / "model"),
                          checkpoint_dir=str(out / "ckpt"), log_dir=str(out / "runs"), **extra)
        res = run_training(cfg)
        env = env_for(res.model, min(eval_episodes, 50), cfg.max_steps, copy=False)
        final = evaluate_model(env, res.model, cfg.instruction, eval_episodes, seed=0)
        rows.append((seed, res, final))
        s = res.solved_at
        print(f"seed {seed}: " + (f"solved at {s['frames']:,} frames in {s['minutes'] * 60:.0f} s" if s else f"NOT solved ({res.stop_reason})")
              + f"; {res.frames / res.seconds:,.0f} frames/s; held-out eval (seeds 0-{eval_episodes - 1}): length {final['avg_length']:.1f}, "
              f"return {final['avg_reward']:.1f}", flush=True)
    return rows


def learner_fps(bf16: bool, updates: int = 3, seed: int = 0, **overrides) -> tuple[float, float]:
    "(env frames per second of collect + update, samples per second through forward+backward in the update)."
    cfg = make_config("cpu", bf16=bf16, progress=False, **overrides)
    device = torch.device("cpu")
    seed_everything(seed)
    model = new_model(cfg)
    opt = make_optimizer(model, cfg)
    env = env_for(model, cfg.num_envs, cfg.max_steps, copy=False)
    obs, _ = env.reset(seed=seed)
    bows = TaskBows(train_instructions(cfg), model.vocab_size)
    buf = new_rollout(model, cfg, cfg.num_envs, obs)                # as the trainer keeps it
    tracker = EpisodeTracker(cfg.num_envs, speed_window=cfg.speed_window)
    observer = Observer(model, env, cfg.mirror)            # one for the run, as the trainer keeps
    t_collect = t_update = 0.0
    for i in range(updates + 1):
        t0 = time.perf_counter()
        obs = collect_rollout(model, env, obs, bows, buf, tracker, cfg, device, observer=observer)
        with torch.no_grad(): nv = model.get_value(obs, bows(bows.ids(env))).float()
        t1 = time.perf_counter()
        update(model, opt, buf, nv, bows, cfg, device)
        t2 = time.perf_counter()
        if i > 0: t_collect += t1 - t0; t_update += t2 - t1   # the first round is warm-up
    frames = updates * buf.actions.numel()
    return frames / (t_collect + t_update), frames * cfg.update_epochs / t_update


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--max-minutes", type=float, default=30.0)
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: all cores; 1 with --quick)")
    p.add_argument("--skip-solve", action="store_true", help="only measure throughput")
    p.add_argument("--quick", action="store_true", help="1 seed, 1,024 frames, 2 evaluation episodes, 1 timed update of "
                   "8 envs x 16 steps: checks that the script runs")
    args = p.parse_args(argv)
    if args.quick:
        args.seeds, args.threads = args.seeds[:1], args.threads or 1
    if args.threads: torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads" + (" (--quick: a smoke test, not a measurement)" if args.quick else ""))
    if not args.skip_solve:
        rows = solve_runs(args.seeds, args.max_minutes, args.threads, max_frames=1024 if args.quick else None,
                          eval_episodes=2 if args.quick else 100)
        solved = [r.solved_at for _, r, _ in rows if r.solved_at]
        print(f"\n| seed | frames to solve | seconds to solve | training frames/s | held-out length | held-out return |\n|---|---|---|---|---|---|")
        for seed, r, f in rows:
            s = r.solved_at
            print(f"| {seed} | {s['frames']:,} | {s['minutes'] * 60:.0f} | {r.frames / r.seconds:,.0f} | {f['avg_length']:.1f} | {f['avg_reward']:.1f} |"
                  if s else f"| {seed} | not solved | > {r.seconds:.0f} | {r.frames / r.seconds:,.0f} | {f['avg_length']:.1f} | {f['avg_reward']:.1f} |")
        if solved:
            frames, seconds = np.median([s["frames"] for s in solved]), np.median([s["minutes"] * 60 for s in solved])
            slowest = max(s["minutes"] * 60 for s in solved)
            print(f"solved {len(solved)}/{len(rows)}; median {frames:,.0f} frames, {seconds:.0f} s; slowest {slowest:.0f} s")
            met = len(solved) == len(rows) and seconds <= 60 and slowest <= 180 and frames <= 150_000
            print(f"targets (every seed solves, median <= 60 s, every seed <= 3 min, median <= 150k frames): {'met' if met else 'NOT met'}")
    size = dict(updates=1, num_envs=8, rollout_steps=16) if args.quick else {}
    fp32, bf16 = learner_fps(False, **size), learner_fps(True, **size)
    print(f"\n| precision | env frames/s (collect + update) | update samples/s (fwd+bwd) |\n|---|---|---|")
    print(f"| fp32 | {fp32[0]:,.0f} | {fp32[1]:,.0f} |\n| bf16 autocast | {bf16[0]:,.0f} | {bf16[1]:,.0f} |")
    print(f"bf16 / fp32: {bf16[0] / fp32[0]:.2f}x end to end, {bf16[1] / fp32[1]:.2f}x in the update")


if __name__ == "__main__":
    main()
