"""hcl.flow runs the whole flow and returns its flow.json; the memory-sweep example runs."""
import json
import os
import subprocess
import sys

import hcl

ROOT = os.environ["HCL_SOURCE_DIR"]


def test_flow_returns_its_flow_json(tmp_path):
    lines = []
    out = tmp_path / "flow"
    got = hcl.flow(f"{ROOT}/examples/networks/tiny.yaml",
                   f"{ROOT}/tests/flows/data/flow_tpu_4x4.arch.yaml", str(out),
                   cosim="conv2", progress=lines.append)
    assert got == json.loads((out / "flow.json").read_text())
    assert (out / "report.html").stat().st_size > 0
    assert got["cosim"]["pass"] and got["cosim"]["counts_equal"]
    assert any(l.startswith("[8/8] co-simulate conv2") for l in lines)


def test_compare_dataflows_returns_its_compare_json(tmp_path):
    lines = []
    out = tmp_path / "cmp"
    got = hcl.compare_dataflows(f"{ROOT}/examples/networks/tiny.yaml",
                                f"{ROOT}/tests/flows/data/flow_tpu_4x4.arch.yaml", str(out),
                                cosim="conv2", progress=lines.append)
    assert got == json.loads((out / "compare.json").read_text())
    assert [d["dataflow"] for d in got["designs"]] == ["C|K", "C"]
    assert got["layer"] == "conv2" and all(d["passed"] for d in got["designs"])
    assert any(l.startswith("== design 2 of 2: C at") for l in lines)


def test_flow_refuses_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    try:
        hcl.flow(f"{ROOT}/examples/networks/tiny.yaml",
                 f"{ROOT}/tests/flows/data/flow_tpu_4x4.arch.yaml", str(tmp_path))
        raise AssertionError("no error")
    except hcl.UsageError as e:
        assert "--force" in str(e) or "force" in str(e)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_memory_sweep_example_plots_the_points_it_printed(tmp_path):
    png, js = tmp_path / "sweep.png", tmp_path / "sweep.json"
    r = subprocess.run([sys.executable, f"{ROOT}/examples/python/memory_sweep.py", "-o", str(png),
                        "--json", str(js), "--rf", "64B,512B", "--gb", "32KB,128KB"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    grid = json.loads(js.read_text())
    assert len(grid["points"]) == 4 and all(p["found"] and p["optimal"] for p in grid["points"])
    # The table it printed is the search's, and the seed paper's finding holds on it: the
    # 64 B register file beats the 512 B one at every buffer size.
    e = {tuple(p["size_bytes"]): p["energy_pj"] for p in grid["points"]}
    assert f"{e[(64, 32768)] / 1e6:.1f} uJ" in r.stdout
    assert e[(64, 32768)] < e[(512, 32768)] and e[(64, 131072)] < e[(512, 131072)]


def test_memory_sweep_example_exits_2_on_a_bad_size(tmp_path):
    r = subprocess.run([sys.executable, f"{ROOT}/examples/python/memory_sweep.py", "-o",
                        str(tmp_path / "x.png"), "--rf", "64Q"], capture_output=True, text=True)
    assert r.returncode == 2 and "64Q" in r.stderr
    assert not (tmp_path / "x.png").exists()
