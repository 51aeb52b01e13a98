#!/usr/bin/env python3
"""Table of run.sh's results: per configuration and side, min / median over all timed calls of all rounds, peak RSS."""
import glob, json, os, statistics, sys

out = sys.argv[1]
GIB = 2 ** 30
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*-unet*-r*.json"))):
    name = os.path.basename(path)[:-5]
    side, cfg, rnd = name.split("-", 1)[0], name.split("-", 1)[1].rsplit("-r", 1)[0], int(name.rsplit("-r", 1)[1])
    text = open(path).read().strip()
    if not text:
        continue
    if side == "diffuse":
        r = json.loads(text)["denoiser_rows"][0]
        times = [ms / 1000 for ms in r["step"]["wall_ms"]]
        rec = dict(times=times, peak=r["peak_rss_during_calls_bytes"], after=r["rss_after_build_bytes"],
                   build_peak=r["build_peak_rss_bytes"], cpu=r["step"]["cpu_median_ms"] / r["step"]["median_ms"], params=r["parameters"])
    else:
        r = json.loads(text.splitlines()[-1])
        rec = dict(times=r["times_s"], peak=r["peak_rss_forward"], after=r["rss_after_build"], build_peak=r["hwm_after_build"],
                   cpu=statistics.median(r["cpu_s_per_wall_s"]), params=r["params"])
    rows.setdefault((cfg, side), []).append((rnd, rec))

def fmt(cfg, side, recs):
    times = [t for _, r in recs for t in r["times"]]
    per_round = " / ".join(f"{statistics.median(r['times']):.2f}" for _, r in sorted(recs, key=lambda x: x[0]))
    return (f"| {cfg} | {side} | {len(times)} ({len(recs)} procs) | {min(times):.3f} | {statistics.median(times):.3f} | {per_round} | "
            f"{max(r['peak'] for _, r in recs) / GIB:.2f} GiB | {max(r['after'] for _, r in recs) / GIB:.2f} GiB | "
            f"{max(r['build_peak'] for _, r in recs) / GIB:.2f} GiB | {min(r['cpu'] for _, r in recs):.2f}-{max(r['cpu'] for _, r in recs):.2f} |")

print("| configuration | side | timed calls | min s | median s | per-round medians s | peak RSS during calls | RSS after build | build peak RSS | cpu/wall |")
print("|---|---|---|---|---|---|---|---|---|---|")
med = {}
for (cfg, side) in sorted(rows, key=lambda k: (k[0][4:6], k[0], k[1])):
    recs = rows[(cfg, side)]
    print(fmt(cfg, side, recs))
    med[(cfg, side)] = (statistics.median([t for _, r in recs for t in r["times"]]), min(t for _, r in recs for t in r["times"]),
                        max(r["peak"] for _, r in recs))
print()
print("| configuration | PyTorch / Diffuse, median | min | Diffuse peak RSS / PyTorch's |")
print("|---|---|---|---|")
for cfg in sorted({c for c, _ in med}, key=lambda c: (c[4:6], c)):
    if (cfg, "diffuse") in med and (cfg, "pytorch") in med:
        d, p = med[(cfg, "diffuse")], med[(cfg, "pytorch")]
        print(f"| {cfg} | {p[0] / d[0]:.2f}× | {p[1] / d[1]:.2f}× | {d[2] / p[2]:.2f} |")
for side in ("64", "32"):
    a, b = med.get((f"unet{side}-fp32", "diffuse")), med.get((f"unet{side}-bf16", "diffuse"))
    if a and b:
        print(f"\nDiffuse bfloat16 over its own float32, unet{side}: median {a[0] / b[0]:.2f}×, min {a[1] / b[1]:.2f}×")
