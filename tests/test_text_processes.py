"The bag-of-words is the same in processes with different PYTHONHASHSEED (no re-exec trick needed)."
import json
import os
import subprocess
import sys

SNIPPET = (
    "import json; from vla_cartpole.text import make_bow_instruction; "
    "b = make_bow_instruction('Keep the pole upright on the LEFT side'); "
    "print(json.dumps({'idx': b.nonzero().flatten().tolist(), 'val': b[b > 0].tolist(), 'hash': hash('pole')}))"
)


def run_with_hashseed(seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_bow_is_independent_of_pythonhashseed():
    a, b = run_with_hashseed("1"), run_with_hashseed("2")
    assert a["hash"] != b["hash"], "the two processes should salt str hashes differently"
    assert a["idx"] == b["idx"] and a["val"] == b["val"]
    assert sum(a["val"]) == 8
