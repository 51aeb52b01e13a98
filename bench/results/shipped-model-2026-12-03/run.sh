#!/bin/bash
# The long run for the shipped model (session of 2026-12-03 evening): medium preset, v-prediction, 60k images.
# Resumes when the folder already holds a run.
cd /work/r16/long2
CLI=/work/r16/cli4/Diffuse.Cli
export OMP_NUM_THREADS=${THREADS:-2}
if ls -d fm60k-medium/checkpoint-* > /dev/null 2>&1; then
  exec $CLI train --out fm60k-medium --resume
else
  exec $CLI train --data /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
    --conditional --cond-drop 0.1 --preset medium --dtype bfloat16 --prediction v_prediction --steps 60000 --lr 1e-3 --warmup 500 --min-lr-ratio 1 \
    --ema-power 0.75 --sample-every 2000 --checkpoint-every 500 --out fm60k-medium
fi
