#!/bin/bash
# evalck.sh DIR: FD of a long-run checkpoint's EMA, 1000 samples DDIM 50, the #14 classifier; the training paused meanwhile
cd /work/r16/long2
P=$(pgrep -f "cli4/Diffuse.Cli train")
kill -STOP $P
/work/r16/cli4/Diffuse.Cli eval --model $1 --classifier /work/flow-runs/classifier --data /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --count 1000 --sampler ddim --steps 50 --out $1.json > $1.eval.log 2>&1
kill -CONT $P
python3 -c "import json;d=json.load(open('$1.json'));print('$1 FD %.1f floor %.1f %.0f s'%(d['frechet_distance'],d['real_vs_real_frechet_distance'],d['seconds']))"
