#!/bin/bash
# sampler settings on the first command's model (fresh16: v-prediction, 2000 steps, trailing, clip on): clip off
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
while pgrep -f laneS.sh > /dev/null; do sleep 20; done
CLI=/work/r16/cli4/Diffuse.Cli
T=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
rm -rf fc-noclip; cp -r /work/fresh16/runs/fashion-mnist/model fc-noclip
python3 -c "import json;p='fc-noclip/scheduler/scheduler_config.json';c=json.load(open(p));c['clip_sample']=False;json.dump(c,open(p,'w'),indent=2)"
$CLI eval --model fc-noclip --classifier /work/flow-runs/classifier --data $T --count 1000 --sampler ddim --steps 50 --out fc-noclip.json > fc-noclip.eval.log 2>&1
python3 -c "import json;d=json.load(open('fc-noclip.json'));print('fc-noclip FD %.1f'%d['frechet_distance'])"
