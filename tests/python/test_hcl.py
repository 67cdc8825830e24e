"""The Python module against the `hcl` executable: each call returns what the command writes
with --json (the commands' numbers are checked against Timeloop, the seed tool and the RTL
elsewhere), errors carry the file, line and key, and Ctrl-C stops a search."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

import hcl

ROOT = os.environ["HCL_SOURCE_DIR"]
HCL = os.environ["HCL_EXE"]
CONV3 = f"{ROOT}/examples/schedules/alexnet_conv3.workload.yaml"
BASELINE = f"{ROOT}/examples/arch/interstellar_baseline.yaml"
EYERISS = f"{ROOT}/examples/arch/eyeriss_like.yaml"
SPECS = f"{ROOT}/tests/data/specs"
EVAL = f"{ROOT}/tests/data/evaluate"


def cli_json(tmp_path, *args):
    out = tmp_path / "cli.json"
    r = subprocess.run([HCL, *args, "--json", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


def timeless(j):
    """The document without wall-clock fields, which differ between two runs."""
    if isinstance(j, dict):
        return {k: timeless(v) for k, v in j.items() if k != "seconds"}
    if isinstance(j, list):
        return [timeless(v) for v in j]
    return j


def test_specs_load_ours_and_timeloops():
    p = hcl.load_problem(CONV3)
    # AlexNet conv3 (Krizhevsky et al. 2012): 3x3 kernels, 13x13 outputs, 256 -> 384 channels.
    assert p.bounds == {"R": 3, "S": 3, "P": 13, "Q": 13, "C": 256, "K": 384, "N": 1}
    assert p.macs == 3 * 3 * 13 * 13 * 256 * 384
    a = hcl.load_arch(BASELINE, p)
    assert a.levels == ["RF", "GlobalBuffer", "DRAM"] and a.macs == 256
    tl = hcl.load_problem(f"{EVAL}/conv1d_k.prob.yaml")
    assert tl.macs > 0
    n = hcl.load_network(f"{ROOT}/examples/networks/tiny.yaml")
    assert [l.name for l, _ in n.layers] == ["conv1", "conv2", "dw", "fc3"]
    assert "workload:" in p.yaml() and "arch:" in a.yaml()


def test_evaluate_equals_the_command(tmp_path):
    m = f"{ROOT}/examples/schedules/alexnet_conv3.interstellar_baseline.schedule.yaml"
    for mode in ("hcl", "timeloop"):
        got = hcl.evaluate(CONV3, BASELINE, m, mode=mode)
        want = cli_json(tmp_path, "evaluate", "--problem", CONV3, "--arch", BASELINE,
                        "--mapping", m, "--mode", mode)
        assert got == want


def test_evaluate_takes_the_seed_tools_files(tmp_path):
    args = (f"{EVAL}/small_conv.layer.json", f"{EVAL}/three_level.arch.json",
            f"{EVAL}/small_conv.interstellar.map.json")
    want = cli_json(tmp_path, "evaluate", "--mode", "interstellar", "--problem", args[0],
                    "--arch", args[1], "--mapping", args[2])
    assert hcl.evaluate(*args, mode="interstellar") == want


def test_schedule_equals_the_command(tmp_path):
    got = hcl.schedule(CONV3, BASELINE, threads=2)
    want = cli_json(tmp_path, "schedule", "--problem", CONV3, "--arch", BASELINE, "--threads", "2")
    assert timeless(got) == timeless(want)
    assert got["total"]["all_optimal"]
    # A loaded spec gives the same result as its path.
    p = hcl.load_problem(CONV3)
    assert timeless(hcl.schedule(p, hcl.load_arch(BASELINE, p))) == timeless(got)


def test_schedule_with_sizes_equals_the_command(tmp_path):
    sizes = ["RF=64B,512B", "GlobalBuffer=32KB,128KB"]
    got = hcl.schedule(CONV3, BASELINE, sizes=sizes)
    want = cli_json(tmp_path, "schedule", "--problem", CONV3, "--arch", BASELINE,
                    "--sizes", sizes[0], "--sizes", sizes[1])
    assert timeless(got) == timeless(want)
    assert "allocation" in got


def test_explore_equals_the_command(tmp_path):
    got = hcl.explore_dataflows(CONV3, BASELINE, ["C|K", "R|P"])
    want = cli_json(tmp_path, "explore", "dataflows", "--problem", CONV3, "--arch", BASELINE,
                    "--dataflows", "C|K,R|P")
    want.pop("interrupted")
    assert timeless(got) == timeless(want)
    got = hcl.explore_memory(CONV3, BASELINE, ["RF=64B,256B"])
    want = cli_json(tmp_path, "explore", "memory", "--problem", CONV3, "--arch", BASELINE,
                    "--sizes", "RF=64B,256B")
    want.pop("interrupted")
    assert timeless(got) == timeless(want)


def test_spec_errors_carry_file_line_and_key():
    bad = f"{SPECS}/bad_unknown_key.workload.yaml"
    with pytest.raises(hcl.SpecError) as e:
        hcl.load_problem(bad)
    assert (e.value.file, e.value.line, e.value.key) == (bad, 10, "strides")
    assert "valid keys are" in e.value.message
    assert isinstance(e.value, hcl.UsageError) and isinstance(e.value, ValueError)


def test_bad_arguments_are_usage_errors():
    with pytest.raises(hcl.UsageError, match="no-such.yaml' does not exist"):
        hcl.load_problem(f"{ROOT}/no-such.yaml")
    with pytest.raises(hcl.UsageError, match="energy"):
        hcl.schedule(CONV3, BASELINE, objective="speed")
    with pytest.raises(hcl.UsageError, match="'Z' is not a dimension"):
        hcl.schedule(CONV3, BASELINE, unroll=["C", "Z"])
    with pytest.raises(hcl.UsageError, match="threads"):
        hcl.schedule(CONV3, BASELINE, threads=0)
    with pytest.raises(hcl.UsageError):
        hcl.explore_dataflows(CONV3, BASELINE, ["C|Z"])


def test_ctrl_c_stops_a_search_and_raises_keyboard_interrupt():
    # The VGG-16 network on Eyeriss takes minutes to prove optimal; SIGINT comes after 0.5 s.
    vgg = f"{ROOT}/examples/networks/vgg16.yaml"
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        hcl.schedule(vgg, EYERISS)
    assert time.monotonic() - t0 < 10
    # Python's handler is back: the next call runs to the end.
    assert hcl.schedule(CONV3, BASELINE, time_limit=1)["total"]["energy_pj"] > 0


def test_the_gil_is_released_during_a_search():
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    hcl.schedule(CONV3, EYERISS, time_limit=1)
    stop.set()
    t.join()
    # About 100 ticks on an idle machine, and a loaded one still runs many; a search that held
    # the GIL would let one through at most, before the call.
    assert len(ticks) > 5
