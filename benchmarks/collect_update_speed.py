"""Where a training step's time goes: collecting one rollout and updating on it, for the cpu recipe (16 envs x 64 steps,
PPO 4 epochs x 4 minibatches), in frames per second of each part.

    python benchmarks/collect_update_speed.py [--rollouts 4] [--code DIR]
    python benchmarks/collect_update_speed.py --quick         # 1 rollout of 4 envs x 16 steps: a smoke test

`--code DIR` measures the package found in DIR instead of this checkout (for example a git worktree of an older
commit: `git worktree add /tmp/old b8964c9`); both the trainer of today and the one-module trainer before it work.
The first rollout and update warm up and are not counted.
"""
import argparse
import importlib
import sys
import time
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rollouts", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--code", default=None, help="a folder holding the vla_cartpole package to measure")
    p.add_argument("--quick", action="store_true")
    a = p.parse_args()
    if a.code: sys.path.insert(0, a.code)
    import numpy as np
    import torch
    torch.set_num_threads(a.threads)
    from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
    from vla_cartpole.model import seed_everything
    import vla_cartpole
    split = (Path(vla_cartpole.__file__).parent / "rollout.py").exists()   # the trainer in several modules (today's)
    if split:
        from vla_cartpole.config import make_config, new_model
        from vla_cartpole.ppo import make_optimizer, update
        from vla_cartpole.rollout import EpisodeTracker, Rollout, TaskBows, collect_rollout
    else:
        from vla_cartpole.train import EpisodeTracker, Rollout, TaskBows, collect_rollout, make_config, make_optimizer, new_model, update
    size = dict(num_envs=4, rollout_steps=16, **({"num_minibatches": 2} if split else {"minibatch_size": 32})) if a.quick else {}
    cfg = make_config("cpu", progress=False, **size)
    seed_everything(0)
    model = new_model(cfg)
    env = MiniCartPoleVisionVectorEnv(cfg.num_envs, cfg.max_steps, frame_stack=cfg.frame_stack, copy=False)
    obs, _ = env.reset(seed=0)
    bows = TaskBows([cfg.instruction])
    trainer = importlib.import_module("vla_cartpole.rollout" if split else "vla_cartpole.train")
    if hasattr(trainer, "new_rollout"): buf = trainer.new_rollout(model, cfg, cfg.num_envs, obs)   # each frame once, as today's trainer keeps it
    else: buf = Rollout.empty(cfg.rollout_steps, cfg.num_envs, model.preprocess(obs) if split else env.single_observation_space.shape)
    tracker, opt, gen, device = EpisodeTracker(cfg.num_envs), make_optimizer(model, cfg), torch.Generator().manual_seed(0), torch.device("cpu")
    frames = cfg.num_envs * cfg.rollout_steps
    keep = {}
    if split:   # the trainer keeps one Observer (a ring of each frame's band profiles) for a whole run, if the code has it
        from vla_cartpole import rollout
        mirror = dict(mirror=True) if getattr(cfg, "mirror", False) else {}   # a recipe with mirror images keeps theirs too
        if hasattr(rollout, "Observer"): keep = dict(observer=rollout.Observer(model, env, **mirror))
    collect = learn = 0.0
    for i in range(1 + (1 if a.quick else a.rollouts)):
        t0 = time.perf_counter()
        obs = collect_rollout(model, env, obs, bows, buf, tracker, cfg, device, **keep)
        with torch.no_grad(): next_value = model.get_value(obs, bows(bows.ids(env)))
        t1 = time.perf_counter()
        update(model, opt, buf, next_value, bows, cfg, device, gen)
        t2 = time.perf_counter()
        if i: collect, learn = collect + t1 - t0, learn + t2 - t1
    n = frames * (1 if a.quick else a.rollouts)
    t0 = time.perf_counter()
    for _ in range(50): env.step(np.ones(cfg.num_envs, int))
    env_ms = (time.perf_counter() - t0) / 50 * 1e3
    print(f"code: {a.code or 'this checkout'}; {cfg.num_envs} envs x {cfg.rollout_steps} steps, {a.threads} threads")
    print(f"collect {n / collect:8,.0f} frames/s | update {n / learn:8,.0f} frames/s | both {n / (collect + learn):8,.0f} frames/s | "
          f"env step alone {env_ms:.2f} ms ({cfg.num_envs} envs)")


if __name__ == "__main__":
    main()
