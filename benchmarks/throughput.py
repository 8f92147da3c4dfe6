"""Throughput of the pixel CartPole: measured figures for the available device, printed as tables.

    python benchmarks/throughput.py [--section env|train|ddp|all] [--num-envs 256 1000] [--frame-stack 1 2]
                                    [--device cpu|cuda] [--threads T] [--steps 20]
    python benchmarks/throughput.py --quick   # every section at a tiny size (8 envs, k=1, 1,024 training frames, 1 thread):
                                              # a smoke test, not a measurement

--section env    env-only frames/s (physics + rendering, no model): the NumPy vector env
                 (MiniCartPoleVisionVectorEnv, host memory) and the torch env (TorchCartPoleVectorEnv, frames as
                 tensors on --device), side by side with their ratio, for every N and frame stack asked for.
--section train  full-training frames/s of the default preset with the NumPy env vs the torch env, and the env's
                 share of a training step (learner frames/s divided by env-only frames/s at the same N)
--section ddp    full-training frames/s with 1 vs 2 ranks on the CPU (torchrun --standalone, gloo), same total envs
                 (default: env; with --quick: all)

Both envs are asked for views of their frame buffers (copy=False), as a trainer copying into its own rollout buffer
would. Each figure is the median of --repeats timed runs of --steps steps after two warm-up steps. On a GPU the
torch env's timings synchronise the device before reading the clock. The issue's GPU target (>= 500,000 env
frames/s, env < 5 % of a training step) is to be measured on a GPU machine: this prints the GPU rows only when
a GPU is present.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import torch

from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
from vla_cartpole.torch_env import TorchCartPoleVectorEnv


def _sync(device: torch.device):
    if device.type == "cuda": torch.cuda.synchronize(device)


def env_frames_per_second(make_env, num_envs: int, steps: int, repeats: int, device: torch.device | None = None,
                          seed: int = 0) -> float:
    "Median env frames/s of `repeats` runs of `steps` steps with random actions (drawn beforehand, on the env's side)."
    env = make_env()
    env.reset(seed=seed)
    actions = np.random.default_rng(seed).integers(0, 2, (steps + 2, num_envs))
    if device is not None: actions = torch.from_numpy(actions).to(device)   # the torch env gets tensors on its device
    env.step(actions[0]); env.step(actions[1])                             # warm-up
    rates = []
    for _ in range(repeats):
        if device is not None: _sync(device)
        t0 = time.perf_counter()
        for a in actions[2:]: env.step(a)
        if device is not None: _sync(device)
        rates.append(steps * num_envs / (time.perf_counter() - t0))
    env.close()
    return statistics.median(rates)


def section_env(args, device: torch.device):
    print(f"\n== env only: frames/s with rendering, copy=False (median of {args.repeats} x {args.steps} steps)")
    header = f"{'N':>6} {'k':>3}  {'NumPy env (CPU)':>16}  {f'torch env ({device.type})':>18}  {'torch / NumPy':>13}"
    print(header); print("-" * len(header))
    rows = []
    for n in args.num_envs:
        for k in args.frame_stack:
            np_fps = env_frames_per_second(lambda: MiniCartPoleVisionVectorEnv(n, frame_stack=k, copy=False), n,
                                           args.steps, args.repeats)
            t_fps = env_frames_per_second(lambda: TorchCartPoleVectorEnv(n, frame_stack=k, copy=False, device=device), n,
                                          args.steps, args.repeats, device=device)
            rows.append((n, k, np_fps, t_fps))
            print(f"{n:>6} {k:>3}  {np_fps:>16,.0f}  {t_fps:>18,.0f}  {t_fps / np_fps:>12.2f}x", flush=True)
    if device.type != "cuda":
        print("GPU (cuda) rows: to be measured on a GPU machine (target >= 500,000 env frames/s at N = 1000)")
    return rows


def _train_fps(device: torch.device, env_backend: str, frames: int, threads: int) -> float:
    "Learner frames/s of the default recipe (collection + update) for `frames` frames, in this process."
    import tempfile
    from vla_cartpole.config import make_config
    from vla_cartpole.train import run_training
    with tempfile.TemporaryDirectory() as tmp:
        cfg = make_config(None, device=str(device), env_backend=env_backend, max_frames=frames, max_minutes=None,
                          eval_every_frames=10 * frames, checkpoint_every_frames=10 * frames, progress=False, threads=threads,
                          save_path=f"{tmp}/model", checkpoint_dir=f"{tmp}/ckpt", log_dir=None)
        res = run_training(cfg)
    return res.frames / res.seconds


def section_train(args, device: torch.device):
    "Full-training frames/s of the default preset, NumPy env vs torch env, and the env's share of a training step."
    from vla_cartpole.config import make_config
    cfg = make_config(None, device=str(device))
    threads = args.threads or (os.cpu_count() if device.type == "cpu" else None)
    print(f"\n== full training ({cfg.algo.upper()}, {cfg.encoder} encoder, k={cfg.frame_stack}, {cfg.num_envs} envs x "
          f"{cfg.rollout_steps} steps, {args.train_frames:,} frames, {threads} threads): learner frames/s")
    header = f"{'env backend':>12}  {'train frames/s':>15}  {'env-only frames/s':>18}  {'env share of a step':>20}"
    print(header); print("-" * len(header))
    for backend, make in (("numpy", lambda: MiniCartPoleVisionVectorEnv(cfg.num_envs, frame_stack=cfg.frame_stack, copy=False)),
                          ("torch", lambda: TorchCartPoleVectorEnv(cfg.num_envs, frame_stack=cfg.frame_stack, copy=False, device=device))):
        fps = _train_fps(device, backend, args.train_frames, threads)
        env_fps = env_frames_per_second(make, cfg.num_envs, args.steps, args.repeats, device=device if backend == "torch" else None)
        print(f"{backend:>12}  {fps:>15,.0f}  {env_fps:>18,.0f}  {100 * fps / env_fps:>19.1f}%", flush=True)
    if device.type != "cuda": print("GPU rows: to be measured on a GPU machine (target: env < 5 % of a training step)")


def section_ddp(args, device: torch.device):
    "Full-training frames/s with 1 and 2 ranks (torchrun, gloo) on the CPU, same total environments."
    import re, subprocess, sys, tempfile
    total = args.threads or os.cpu_count()
    print(f"\n== torchrun on the CPU: default preset, {args.train_frames:,} frames, total {total} threads shared by the ranks")
    header = f"{'ranks':>6}  {'threads/rank':>12}  {'train frames/s':>15}  {'vs 1 rank':>10}"
    print(header); print("-" * len(header))
    base, failed = None, 0
    for ranks in (1, 2):
        per_rank = max(1, total // ranks)
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(ranks), "-m", "vla_cartpole.train",
                   "--device", "cpu", "--threads", str(per_rank), "--max-frames", str(args.train_frames), "--max-minutes", "60",
                   "--eval-every-frames", str(10 * args.train_frames), "--checkpoint-every-frames", str(10 * args.train_frames),
                   "--no-progress", "--plot", ""]
            out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": str(per_rank)})
        m = re.search(r"\(([\d,]+) frames/s\)", out.stdout)
        if out.returncode or not m:
            print(f"{ranks:>6}  failed (exit {out.returncode}): {out.stderr.strip().splitlines()[-1:]}"); failed += 1; continue
        fps = float(m.group(1).replace(",", "")); base = base or fps
        print(f"{ranks:>6}  {per_rank:>12}  {fps:>15,.0f}  {fps / base:>9.2f}x", flush=True)
    return failed


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--section", choices=("env", "train", "ddp", "all"), default=None, help="default: env (all with --quick)")
    p.add_argument("--num-envs", type=int, nargs="+", default=[256, 1000])
    p.add_argument("--frame-stack", type=int, nargs="+", default=[1, 2])
    p.add_argument("--device", default=None, help="the torch env's device (default: cuda if available, else cpu)")
    p.add_argument("--threads", type=int, default=None,
                   help="torch intra-op threads (default: 1 on the CPU, like the single-threaded NumPy env; torch's default on a GPU)")
    p.add_argument("--steps", type=int, default=20, help="timed steps per run")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per figure (the median is printed)")
    p.add_argument("--train-frames", type=int, default=8192, help="frames per full-training measurement (train and ddp sections)")
    p.add_argument("--quick", action="store_true", help="every section (unless --section) at 8 envs, frame stack 1, 2 steps, "
                   "1 repeat, 1,024 training frames, 1 thread (unless --threads): checks that the script runs")
    args = p.parse_args(argv)
    if args.quick:
        args.num_envs, args.frame_stack, args.steps, args.repeats, args.train_frames = [8], [1], 2, 1, 1024
        args.section, args.threads = args.section or "all", args.threads or 1
    args.section = args.section or "env"
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if args.threads is not None: torch.set_num_threads(args.threads)
    elif device.type == "cpu": torch.set_num_threads(1)
    print(f"torch {torch.__version__}, numpy {np.__version__}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs visible, load average {os.getloadavg()[0]:.2f}")
    print(f"torch env device: {device}" + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else "")
          + f"; torch threads: {torch.get_num_threads()} (intra-op), {torch.get_num_interop_threads()} (inter-op); "
          f"the NumPy env is single-threaded")
    if args.section in ("env", "all"): section_env(args, device)
    if args.section in ("train", "all"): section_train(args, device)
    failed = section_ddp(args, device) if args.section in ("ddp", "all") else 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
