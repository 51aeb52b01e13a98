#!/bin/bash
# the first command's model without the EMA (raw weights at step 2000), same sampler config
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
while pgrep -f "laneS.sh|laneT.sh|laneU.sh" > /dev/null; do sleep 20; done
CLI=/work/r16/cli4/Diffuse.Cli
T=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
rm -rf fc-raw; cp -r /work/fresh16/runs/fashion-mnist/model fc-raw
cp /work/fresh16/runs/fashion-mnist/checkpoint-002000/trainer/model.safetensors fc-raw/unet/diffusion_pytorch_model.safetensors
$CLI eval --model fc-raw --classifier /work/flow-runs/classifier --data $T --count 1000 --sampler ddim --steps 50 --out fc-raw.json > fc-raw.eval.log 2>&1
python3 -c "import json;d=json.load(open('fc-raw.json'));print('fc-raw FD %.1f'%d['frechet_distance'])"
