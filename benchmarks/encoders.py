"""Throughput of the three vision encoders inside MiniVLA (2-frame stack): training (forward + backward + Adam step)
and inference frames/s at a batch of 256, fp32 and bf16 autocast, measured side by side in one run.

    python benchmarks/encoders.py [--threads T] [--batch 256] [--repeats 3]
    python benchmarks/encoders.py --quick      # batch 8, 1 repeat: a smoke test, not a measurement
"""
import argparse
import statistics
import time

import torch

from vla_cartpole.model import ENCODERS, MiniVLA
from vla_cartpole.text import make_bow_instruction


def rate(fn, n: int, repeats: int) -> float:
    fn()                                            # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return n / statistics.median(times)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="batch 8, 1 repeat, 1 thread unless --threads: checks that the script runs")
    args = p.parse_args(argv)
    if args.quick: args.batch, args.repeats, args.threads = 8, 1, args.threads or 1
    if args.threads: torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    obs = torch.randint(0, 256, (args.batch, 2, 64, 256, 3), dtype=torch.uint8)
    bow = make_bow_instruction("keep the pole upright")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch}, 2-frame stack")
    header = f"{'encoder':>10} {'params':>10} {'train fp32':>11} {'train bf16':>11} {'infer fp32':>11} {'infer bf16':>11}"
    print(header); print("-" * len(header))
    for name in ENCODERS:
        model = MiniVLA(frame_stack=2, encoder=name)
        opt = torch.optim.Adam(model.parameters(), 1e-4)
        row = []
        for infer in (False, True):
            for bf16 in (False, True):
                def step():
                    with torch.autocast("cpu", torch.bfloat16, enabled=bf16):
                        if infer:
                            with torch.no_grad(): model.get_action_and_value(obs, bow)
                        else:
                            logits, value = model.get_action_and_value(obs, bow)
                            opt.zero_grad(); (logits.float().sum() + value.float().sum()).backward(); opt.step()
                row.append(rate(step, args.batch, args.repeats))
        print(f"{name:>10} {sum(q.numel() for q in model.parameters()):>10,} " + " ".join(f"{r:>11,.0f}" for r in row), flush=True)


if __name__ == "__main__":
    main()
