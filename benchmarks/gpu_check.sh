#!/usr/bin/env bash
# One prepared check of the `gpu` preset, for a CUDA machine without network (it ends by itself within 8 minutes):
#
#   bash benchmarks/gpu_check.sh [--wheels DIR] [--minutes M]    # on the GPU machine
#   bash benchmarks/gpu_check.sh --rehearsal                      # here, on the CPU: the same preset with --num-envs 64
#
# It uses the machine's own PyTorch (a CUDA build of 2.x), installs whatever pure-Python dependency is missing from
# the wheels folder DIR (pip install --no-index --find-links DIR; default: ./wheels), trains the gpu preset from
# scratch until it is solved or M minutes have passed (default 6), and prints frames/s, peak GPU memory and the time
# to solve. Make the wheels folder where there is network: pip download -d wheels gymnasium fastcore safetensors tqdm
# pillow matplotlib ipywidgets tyro (and their dependencies), without torch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WHEELS=wheels; MINUTES=6; REHEARSAL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --wheels) WHEELS=$2; shift 2 ;;
    --minutes) MINUTES=$2; shift 2 ;;
    --rehearsal) REHEARSAL=1; shift ;;
    *) echo "gpu_check.sh: unknown option $1 (expected --wheels DIR, --minutes M or --rehearsal)" >&2; exit 2 ;;
  esac
done
python -c "import torch; print(f'torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}')"
if ! python -c "import vla_cartpole.train" 2>/dev/null; then
  [ -d "$WHEELS" ] || { echo "gpu_check.sh: vla_cartpole's dependencies are missing and there is no wheels folder $WHEELS" >&2; exit 2; }
  python -m pip install -q --no-index --find-links "$WHEELS" -e .
fi
if [ "$REHEARSAL" = 1 ]; then ARGS=(--device cpu --num-envs 64); else ARGS=(); fi
timeout 480 python - "$MINUTES" "${ARGS[@]}" <<'EOF'
import sys, tempfile, time
import torch
from vla_cartpole.config import make_config
from vla_cartpole.loop import run_training
minutes, rest = float(sys.argv[1]), sys.argv[2:]
over = dict(zip(rest[::2], rest[1::2]))
device = over.get("--device") or ("cuda" if torch.cuda.is_available() else "cpu")
out = tempfile.mkdtemp()
cfg = make_config("gpu", device=device, max_minutes=minutes, progress=False, save_path=f"{out}/model", checkpoint_dir=f"{out}/ckpt",
                  log_dir=None, **({"num_envs": int(over["--num-envs"])} if "--num-envs" in over else {}))
print(f"gpu preset on {device}: {cfg.num_envs} envs x {cfg.rollout_steps} steps, {cfg.encoder} encoder, {cfg.algo.upper()}, "
      f"{cfg.max_minutes} min at most", flush=True)
if device.startswith("cuda"): torch.cuda.reset_peak_memory_stats()
res = run_training(cfg)
s = res.solved_at
print(f"frames/s: {res.frames / res.seconds:,.0f} ({res.frames:,} frames in {res.seconds:.0f} s)")
if device.startswith("cuda"): print(f"peak GPU memory: {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
print(f"time to solve: {s['minutes'] * 60:.0f} s at {s['frames']:,} frames" if s else f"not solved: {res.stop_reason}")
sys.exit(0 if s else 1)
EOF
