#!/usr/bin/env bash
# flow_compare.sh HCL WORK: `hcl flow --compare-dataflows` on the tiny network, two buffer
# sizes: one complete flow per dataflow and size, the same layer co-simulated on each (bit-exact,
# counters equal to the model's, cycles within 2%), the energy from the RTL's counters equal to
# the model's, the folders built with the dataflow and sizes their rows name, and the spreads
# the table states recomputed from its rows.
set -u
hcl=$1 work=$2
fail() { echo "flow_compare: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 98
"$hcl" flow --network examples/networks/tiny.yaml --arch tests/flows/data/flow_tpu_4x4.arch.yaml \
  --compare-dataflows --sizes UnifiedBuffer=512B,1KB -o "$work/out" >"$work/log" 2>&1 ||
  fail "the comparison failed: $(tail -5 "$work/log")"
grep -q "== design 4 of 4: C at UnifiedBuffer=1024 B -> p2-C/" "$work/log" || fail "no header for the last design"
grep -q '| UnifiedBuffer=512 B | C\\|K |' "$work/out/compare.md" || fail "compare.md has no escaped C|K row"
python3 - "$work/out" <<'PY' || exit 1
import json, os, sys
out = sys.argv[1]
j = json.load(open(os.path.join(out, "compare.json")))
def fail(msg):
    print("flow_compare:", msg); sys.exit(1)
d = j["designs"]
if [(x["dataflow"], x["point"]) for x in d] != [(f, p) for p in ("UnifiedBuffer=512 B", "UnifiedBuffer=1024 B") for f in ("C|K", "C")]:
    fail(f"designs are not every dataflow at every size: {[(x['dataflow'], x['point']) for x in d]}")
for x in d:
    flow = json.load(open(os.path.join(out, x["folder"], "flow.json")))
    if flow["dataflow"] != x["dataflow"]:
        fail(f"{x['folder']} was built as {flow['dataflow']}, its row says {x['dataflow']}")
    ub = [b["bytes"] for b in flow["buffer_sizes"] if b["level"] == "UnifiedBuffer"]
    if [f"UnifiedBuffer={ub[0]} B"] != [x["point"]]:
        fail(f"{x['folder']} has UnifiedBuffer {ub}, its row says {x['point']}")
    c = flow["cosim"]
    if c["layer"] != j["layer"] or not c["pass"] or not c["counts_equal"]:
        fail(f"{x['folder']}: co-simulated {c['layer']} (table: {j['layer']}), pass {c['pass']}")
    if x["cycles"] != {"rtl": c["measured_cycles"], "model": c["predicted_cycles"]}:
        fail(f"{x['folder']}: the row's cycles {x['cycles']} are not its co-simulation's")
    e = x["energy_pj"]
    if x["cycles"]["rtl"] == x["cycles"]["model"] and abs(e["rtl"] - e["model"]) > 1e-9 * e["model"]:
        fail(f"{x['folder']}: equal counts and cycles, but RTL energy {e['rtl']} != model {e['model']}")
    if not os.path.isfile(os.path.join(out, x["folder"], "report.html")):
        fail(f"{x['folder']} has no report.html")
for key, field, rows in (("dataflow_spread", "point", "dataflow"), ("sizing_range", "dataflow", "point")):
    for s in j[key]:
        es = [x["energy_pj"]["rtl"] for x in d if x[field] == s[field]]
        if len(es) != 2 or abs(s["ratio"] - max(es) / min(es)) > 1e-12 * s["ratio"]:
            fail(f"{key} {s[field]}: ratio {s['ratio']}, the rows give {max(es) / min(es)}")
import html.parser
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts, self.links, self.sections = 0, [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in (a.get("class") or "").split():
            self.charts += 1
        if tag == "a":
            self.links.append(a["href"])
        if tag == "section":
            self.sections.append(a.get("id"))
page = Page()
page.feed(open(os.path.join(out, "compare.html")).read())
if page.sections != ["compare"] or page.charts != 3:
    fail(f"compare.html: sections {page.sections}, {page.charts} charts (want ['compare'], 3)")
if sorted(page.links) != sorted(x["folder"] + "/report.html" for x in d):
    fail(f"compare.html links {page.links}")
for l in page.links:
    if not os.path.isfile(os.path.join(out, l)):
        fail(f"compare.html links {l}, which does not exist")
PY
echo "flow_compare: 4 designs, the same layer on each, RTL energy equal to the model's"
