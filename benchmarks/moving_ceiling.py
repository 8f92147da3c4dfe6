"""Can a policy that sees only the frame stack meet the moving goals, and how does the frames' spacing matter?

A hand-made linear controller reads the pictures the env hands out (no true state): in each frame, the cart's
column (the mean column of its black pixels) and the pole's tilt (the mean column of its red pixels, relative to
the cart). From the newest frame and its neighbour it gets the pole's rate of fall; from the oldest and the newest,
the cart's speed. It pushes right when  k_angle·θ + k_rate·θ' + k_speed·(ẋ − target) > 0. It has no memory.

For each frame spacing the script prints the success of the controller's best gains (of a grid of eight) on
"move to the left while balancing" (200 steps, the evaluator's rule: survive, and the mean speed of the last 100
steps within 0.1 m/s of −0.2), how much the cart's speed sways: the spread of its 10-step mean speeds over
the last 100 steps, within an episode (m/s), and the median episode's mean speed over those steps (m/s). Then the
same three numbers for the shipped `cartpole_tasks` agent (greedy) on the same episodes, for comparison, and how much
the velocity bonus (`goal_bonus`, per step of the last 100) asks of the agent's mean speed: what it would gain per
step if its speeds, sway and all, were shifted so that their mean is the one asked, with the bonus judging each
step's own speed or (the trainer's `speed_window`) the mean speed of the last 18 or 50 steps. Last, for each moving
phrasing of the training list, the agent's mean speed in each 25-step stretch of its episodes and its success: does
it hold its speed, or brake as the track's end draws near? And for "move to the left while balancing" started
0.4 m behind the centre (right of it), at it, or 0.4 m ahead: the mean speed in each 50 steps and in each 0.2 m of
track the cart crosses. Does the agent brake at a time, at a place, or neither?

    python benchmarks/moving_ceiling.py [--episodes 100] [--spacings 1 3 6 10,6,2] [--weights PATH]   # --spacings alone: the agent only
    python benchmarks/moving_ceiling.py --quick    # 2 episodes, spacing 1 only: a smoke test, not a measurement
"""
import argparse
import itertools

import numpy as np
import torch

from vla_cartpole.checkpoint import load_model, load_pretrained
from vla_cartpole.env import CART_TOP, DT, POLE_LEN, POLE_TOP, PX_PER_M, frame_offsets, goal_bonus, render_frames
from vla_cartpole.vector_env import MiniCartPoleVisionVectorEnv
from vla_cartpole.eval import env_for, greedy_actions
from vla_cartpole.grammar import CLASSIC
from vla_cartpole.tasks import GOALS, episode_success, goal_for
from vla_cartpole.text import make_bow_instruction

INSTRUCTION, GOAL = "move to the left while balancing", GOALS["move_left"]


def read_frames(obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    "Cart position (m) and pole angle (rad) as the pictures `[N, k, 64, 256, 3]` show them: `[N, k]` each."
    cols = np.arange(obs.shape[-2])
    cart = obs[..., CART_TOP + 5, :, 0] == 0                                   # a row through the black cart
    cart_col = (cart * cols).sum(-1) / cart.sum(-1) + 0.5                      # its 16 columns are centre − 8 … centre + 7
    pole = (obs[..., POLE_TOP:CART_TOP, :, 0] == 255) & (obs[..., POLE_TOP:CART_TOP, :, 1] == 0)   # red pixels
    pole_col = (pole * cols).sum((-1, -2)) / np.maximum(pole.sum((-1, -2)), 1)
    tilt = np.arcsin(np.clip(2 * (pole_col - cart_col) / POLE_LEN, -1, 1))   # the pole's middle is half its length out
    return (cart_col - obs.shape[-2] // 2) / PX_PER_M, tilt


def controller(frame_stride, gains):
    "The linear controller's actions for a batch of observations stacked with `frame_stride`."
    offsets = frame_offsets(4, frame_stride)
    span, last_gap = (offsets[-1] - offsets[0]) * DT, (offsets[-1] - offsets[-2]) * DT
    def act(obs):
        x, th = read_frames(obs)
        rate, speed = (th[:, -1] - th[:, -2]) / last_gap, (x[:, -1] - x[:, 0]) / span
        return (gains[0] * th[:, -1] + gains[1] * rate + gains[2] * (speed - GOAL.target) > 0).astype(int)
    return act


def steps_back(frame_stack: int, frame_stride) -> list[int]:
    "How many steps back each frame of a stack is, oldest first."
    offsets = frame_offsets(frame_stack, frame_stride)
    return [offsets[-1] - o for o in offsets]


def score(env, act, seed: int = 0, instruction: str = INSTRUCTION, shift: float = 0.0, positions: list | None = None
          ) -> tuple[float, float, float, np.ndarray]:
    """Success rate, speed sway, median speed and speeds `[T, N]` of `act` on one episode per environment of `env` (seeds `seed`, …),
    the carts moved `shift` m from where the env put them (a benchmark's liberty: it redraws the env's frames); `positions` gets the xs."""
    obs, _ = env.reset(seed=seed, options={"instruction": instruction})
    if shift:
        env.state[:, 0] += shift
        env._stack[:] = render_frames(env.state[:, 0], env.state[:, 2])[:, None]
        obs = env._obs()
    T, n = env.max_episode_steps, env.num_envs
    xs, vs, alive = np.zeros((T, n)), np.zeros((T, n)), np.ones(n, bool)
    for t in range(T):
        obs, _, term, _, info = env.step(act(obs))
        fin = info.get("final_info", info)
        xs[t], vs[t] = fin["x"], fin["x_dot"]
        alive &= ~term
    if positions is not None: positions.append(xs)
    ok = [episode_success(goal_for(instruction), xs[:, i], vs[:, i], T if alive[i] else 0, T) for i in range(n)]
    tenths = vs[100:].reshape(10, 10, n).mean(1)                              # 10-step mean speeds, last 100 steps
    return float(np.mean(ok)), float(tenths.std(0).mean()), float(np.median(vs[100:].mean(0))), vs


def bonus_gain(vs: np.ndarray, window: int) -> float:
    "Velocity bonus per step (last 100) gained by shifting speeds `[T, N]`, each a mean over `window` steps, to the asked mean."
    means = np.stack([vs[max(0, t - window + 1):t + 1].mean(0) for t in range(100, len(vs))])
    bonus = lambda v: float(goal_bonus(0.0, v, GOAL.target, 1.0).mean())
    return bonus(means + GOAL.target - means.mean()) - bonus(means)


def frame_stride(text: str) -> int | tuple[int, ...]:
    "A frame spacing from the command line: '6' (every frame 6 steps apart) or '10,6,2' (the gap before each newer frame)."
    try: parts = [int(x) for x in text.split(",")]
    except ValueError: raise argparse.ArgumentTypeError(f"not a positive integer or a comma-separated list of them: {text!r}") from None
    if not parts or min(parts) < 1: raise argparse.ArgumentTypeError(f"spacings must be positive: {text!r}")
    return parts[0] if len(parts) == 1 else tuple(parts)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--episodes", type=int, default=100)
    p.add_argument("--spacings", nargs="*", type=frame_stride, default=[1, 3, 6, (10, 6, 2)], help="frame strides, e.g. 6 or 10,6,2 (none: the agent only)")
    p.add_argument("--weights", default=None, help="an agent to compare (default: the shipped cartpole_tasks)")
    p.add_argument("--quick", action="store_true", help="2 episodes, spacing 1 only: checks that the script runs")
    a = p.parse_args(argv)
    if a.episodes < 1: p.error(f"--episodes must be at least 1, got {a.episodes}")
    if a.quick: a.episodes, a.spacings = 2, a.spacings[:1]
    grid = list(itertools.product([1.0, 2.0], [0.2, 0.3], [0.2, 0.3]))
    print(f"{'who':>28} | frames shown (steps back) | success | speed sway (m/s) | median speed (m/s)")
    for stride in a.spacings:
        env = MiniCartPoleVisionVectorEnv(a.episodes, frame_stack=4, frame_stride=stride, copy=False)
        (success, sway, speed, _), gains = max(((score(env, controller(stride, g)), g) for g in grid), key=lambda r: (r[0][0], -r[0][1]))
        print(f"{'controller ' + str(gains):>28} | {str(steps_back(4, stride)):>25} | {success:7.0%} | {sway:16.3f} | {speed:+.3f}")
    model = (load_pretrained("cartpole_tasks")[0] if a.weights is None else load_model(a.weights)[0]).float().eval()
    env, agent = env_for(model, a.episodes), {}
    for text in (t for t in CLASSIC if goal_for(t).kind == "velocity"):   # INSTRUCTION is one of them
        bow = make_bow_instruction(text, model.vocab_size)
        with torch.no_grad(): agent[text] = score(env, lambda obs: greedy_actions(model, obs, bow), instruction=text)
    success, sway, speed, vs = agent[INSTRUCTION]
    back = steps_back(model.frame_stack, model.frame_stride)
    print(f"{'agent ' + (a.weights or 'cartpole_tasks'):>28} | {str(back):>25} | {success:7.0%} | {sway:16.3f} | {speed:+.3f}")
    print("the agent's bonus gain per step at the asked mean speed: " +
          ", ".join(f"judging {w}-step means {bonus_gain(vs, w):+.3f}" for w in (1, 18, 50)))
    print(f"\nthe agent's mean speed (m/s) in each 25 steps, {a.episodes} episodes per phrasing, and its success:")
    for text, (success, _, _, vs) in agent.items():
        print(f"{text:>40} | " + " ".join(f"{vs[t:t + 25].mean():+.2f}" for t in range(0, len(vs), 25)) + f" | {success:4.0%}")
    edges = np.round(np.arange(-1.0, 0.61, 0.2), 1)
    print(f"\n'{INSTRUCTION}' from three starts, {a.episodes} episodes each: mean speed (m/s) in each 50 steps | in each 0.2 m "
          f"of track from {edges[0]:+.1f} to {edges[-1]:+.1f} m (. : under 50 steps there) | success")
    bow = make_bow_instruction(INSTRUCTION, model.vocab_size)
    for shift, where in ((0.4, "0.4 m behind"), (0.0, "at the centre"), (-0.4, "0.4 m ahead")):
        xs = []
        with torch.no_grad(): success, _, _, vs = score(env, lambda obs: greedy_actions(model, obs, bow), shift=shift, positions=xs)
        by_place = [vs[(xs[0] >= lo) & (xs[0] < lo + 0.2)] for lo in edges[:-1]]
        print(f"{'starting ' + where:>40} | " + " ".join(f"{vs[t:t + 50].mean():+.2f}" for t in range(0, len(vs), 50)) + " | "
              + " ".join(f"{v.mean():+.2f}" if v.size >= 50 else "  .  " for v in by_place) + f" | {success:4.0%}")

if __name__ == "__main__":
    main()
