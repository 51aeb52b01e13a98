#!/bin/bash
# Side by side with ../shared/perf's PyTorch script: alternating, 2 rounds, quiet machine.
cd /work/r16/sbs
for r in 1; do
  echo "round $r diffuse $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  COLUMNS=220 /work/r16/cli4/Diffuse.Cli bench --presets pt-tiny,pt-tiny-noattn,pt-small,pt-small-noattn --repeats 10 --sampling-steps 0 --out diffuse-$r.json > diffuse-$r.log 2>&1
  echo "round $r pytorch $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  PYTHONPATH=/tmp/pysite:/tmp/diffusers-v0.31.0/src HF_HUB_OFFLINE=1 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 /work/shared/perf/pytorch_unet_bench.py --out pytorch-$r.md > pytorch-$r.log 2>&1
done
echo "done $(date +%T)"
