#!/usr/bin/env bash
# Side by side, alternating: SD 1.5's UNet step in Diffuse (diffuse bench --presets sd15-unet<side>-<dtype>) and in
# diffusers 0.31 on PyTorch 1.13 (../shared/perf/sd15_cpu_bench.py --worker unet<side>-<dtype>), every measurement in a
# fresh process, 1 warm-up + REPEATS timed calls each. Odd rounds run Diffuse first, even rounds PyTorch first.
#
#   DIFFUSE=<diffuse executable> PERF=<../shared/perf> bash run.sh OUTDIR "64 32" ROUNDS REPEATS [FIRST_ROUND]
# PyTorch's environment: ../shared/perf/README.md (Debian python3-torch, diffusers v0.31.0 under /tmp, OpenBLAS).
set -u
OUT=$1; SIDES=${2:-64}; ROUNDS=${3:-2}; REPEATS=${4:-2}; FIRST=${5:-1}
DIFFUSE=${DIFFUSE:-diffuse}; PERF=${PERF:-../shared/perf}
mkdir -p "$OUT"
log() { echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $*" | tee -a "$OUT/log.txt"; }
ours() {
  log "round $1 diffuse unet$2-$3"
  "$DIFFUSE" bench --presets "sd15-unet$2-$3" --warmup-calls 1 --repeats "$REPEATS" --out "$OUT/diffuse-unet$2-$3-r$1.json" \
    > "$OUT/diffuse-unet$2-$3-r$1.txt" 2>&1 || log "FAILED diffuse unet$2-$3 round $1"
}
pytorch() {
  log "round $1 pytorch unet$2-$3"
  PYTHONPATH=/tmp/pysite:/tmp/diffusers-v0.31.0/src HF_HUB_OFFLINE=1 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
    /usr/bin/python3 "$PERF/sd15_cpu_bench.py" --worker "unet$2-$3" --repeats "$REPEATS" \
    > "$OUT/pytorch-unet$2-$3-r$1.json" 2> "$OUT/pytorch-unet$2-$3-r$1.err" || log "FAILED pytorch unet$2-$3 round $1"
}
uptime | tee -a "$OUT/uptime.txt"
for r in $(seq "$FIRST" $((FIRST + ROUNDS - 1))); do
  for side in $SIDES; do
    for dtype in ${DTYPES:-fp32 bf16}; do
      if (( r % 2 == 1 )); then ours "$r" "$side" "$dtype"; pytorch "$r" "$side" "$dtype"
      else pytorch "$r" "$side" "$dtype"; ours "$r" "$side" "$dtype"; fi
    done
  done
done
log "done"
uptime | tee -a "$OUT/uptime.txt"
