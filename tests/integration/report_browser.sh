#!/usr/bin/env bash
# report_browser.sh HCL OUT: runs `hcl flow` on the tiny network into OUT/run, opens its
# report.html in headless Chromium and checks what a reader sees: no console message (the page
# has no script, so any message is an error), every section, as many charts as report.json
# says there must be, and a screenshot that is not blank. Exit 77 (skipped, with the reason)
# only when Chromium is not installed.
set -eu
hcl=$1 out=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "report_browser: SKIPPED: no chromium on PATH (Debian package 'chromium'; scripts/install-deps.sh installs it)"
  exit 77
fi
command -v python3 >/dev/null || { echo "report_browser: python3 is required (Debian package 'python3')"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
"$hcl" flow --network examples/networks/tiny.yaml --arch tests/flows/data/flow_tpu_4x4.arch.yaml \
  --cosim conv2 --set out_depth=48 -o "$out/run" >"$out/flow.log" 2>&1 ||
  { tail -20 "$out/flow.log"; exit 1; }
page="file://$out/run/report.html"
flags=(--headless --no-sandbox --disable-gpu --no-first-run --enable-logging=stderr --v=0
       --user-data-dir="$out/profile")
"$browser" "${flags[@]}" --dump-dom "$page" >"$out/dom.html" 2>"$out/dom.log"
"$browser" "${flags[@]}" --window-size=1280,2400 --screenshot="$out/shot.png" "$page" \
  >/dev/null 2>"$out/shot.log"
python3 - "$out" <<'EOF'
import html.parser, json, struct, sys, zlib

out = sys.argv[1]
fail = []

console = [l for f in ("dom.log", "shot.log") for l in open(f"{out}/{f}") if "CONSOLE" in l]
if console:
    fail.append("console messages:\n" + "".join(console))

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.charts = [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag == "svg" and "chart" in (a.get("class") or "").split():
            self.charts += 1

dom = open(f"{out}/dom.html").read()
page = Page()
page.feed(dom)
want = ["summary", "network", "layers", "hardware", "studies", "checks", "files"]
if page.sections != want:
    fail.append(f"sections {page.sections}, expected {want}")
report = json.load(open(f"{out}/run/report.json"))
studies = report["studies"]
charts = (2 + 3 * len(report["layers"]) + 3 + (1 if studies.get("dataflow") else 0)
          + (1 if (studies.get("memory") or {}).get("points") else 0))
if page.charts != charts:
    fail.append(f"{page.charts} charts in the page, report.json implies {charts}")

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and colour in (2, 6), f"PNG depth {depth} colour type {colour}"
    bpp = 3 if colour == 2 else 4
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = pixels(f"{out}/shot.png")
inked = colours = 0
seen = set()
for r in rows[::4]:
    for x in range(0, w * bpp, bpp * 4):
        px = r[x:x + 3]
        seen.add(px)
        inked += px != b"\xff\xff\xff"
samples = len(rows[::4]) * len(range(0, w * bpp, bpp * 4))
if inked < 0.02 * samples or len(seen) < 8:
    fail.append(f"screenshot looks blank: {inked} of {samples} samples inked, {len(seen)} colours")

if fail:
    print("report_browser: FAIL\n" + "\n".join(fail))
    sys.exit(1)
print(f"report_browser: {len(page.sections)} sections, {page.charts} charts, no console message, "
      f"screenshot {w}x{h} with {len(seen)} colours, {100 * inked // samples}% inked")
EOF
