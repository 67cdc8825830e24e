#!/usr/bin/env python3
"""Buffer sizing on one AlexNet layer, the seed paper's memory experiment from Python.

Every point is an exact search (each schedule proven optimal for its sizes), so the curves
are the best each memory hierarchy can do, not the best a heuristic happened to find.

    PYTHONPATH=build/python python3 examples/python/memory_sweep.py -o out/memory_sweep.png

Writes the plot (energy against global-buffer size, one line per register-file size) and
prints the table it drew; --json also writes the points as hcl.explore_memory returns them.
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed; the plot goes to a file
import matplotlib.pyplot as plt  # noqa: E402

import hcl  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sweep(layer, arch, rf_sizes, gb_sizes, time_limit):
    return hcl.explore_memory(
        layer, arch,
        sizes=["RF=" + ",".join(rf_sizes), "GlobalBuffer=" + ",".join(gb_sizes)],
        time_limit=time_limit)


def curves(grid):
    """{RF bytes: [(GlobalBuffer bytes, energy pJ or None), ...]} in grid order."""
    out = {}
    for p in grid["points"]:
        rf, gb = p["size_bytes"]
        out.setdefault(rf, []).append((gb, p["energy_pj"] if p["found"] else None))
    return out


def plot(grid, path):
    fig, ax = plt.subplots(figsize=(6, 4))
    for rf, pts in curves(grid).items():
        xs = [gb / 1024 for gb, e in pts if e is not None]
        ys = [e / 1e6 for gb, e in pts if e is not None]
        ax.plot(xs, ys, marker="o", label=f"RF {rf} B")
    ax.set_xscale("log", base=2)
    ax.set_xticks(xs, [f"{x:g}" for x in xs])
    ax.set_xlabel("GlobalBuffer (KB)")
    ax.set_ylabel("energy (uJ), optimal schedule")
    ax.set_title(f"{grid['layer']} on {grid['arch']}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True, help="plot file (.png, .svg or .pdf)")
    ap.add_argument("--json", help="also write the points here")
    ap.add_argument("--layer", default=os.path.join(ROOT, "examples/schedules/alexnet_conv3.workload.yaml"))
    ap.add_argument("--arch", default=os.path.join(ROOT, "examples/arch/interstellar_baseline.yaml"))
    ap.add_argument("--rf", default="64B,256B,1KB", help="register-file sizes")
    ap.add_argument("--gb", default="32KB,64KB,128KB,256KB", help="global-buffer sizes")
    ap.add_argument("--time-limit", type=float, default=0, help="seconds for all points (0 = prove all)")
    a = ap.parse_args(argv)
    try:
        grid = sweep(a.layer, a.arch, a.rf.split(","), a.gb.split(","), a.time_limit)
    except hcl.UsageError as e:  # bad files or sizes: the message names the file and key
        print(f"memory_sweep: {e}", file=sys.stderr)
        return 2
    for rf, pts in curves(grid).items():
        print(f"RF {rf:>5} B: " + "  ".join(
            f"{gb // 1024} KB {'-' if e is None else f'{e / 1e6:.1f} uJ'}" for gb, e in pts))
    plot(grid, a.output)
    print(f"wrote {a.output}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(grid, f, indent=2)
        print(f"wrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
