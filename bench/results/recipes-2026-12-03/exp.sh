#!/bin/bash
# exp.sh NAME [train args...]: trains in NAME/ (bf16 CLI build), then FD at 1000 samples, DDIM 50, leading and trailing.
cd /work/r16/recipes
CLI=/work/r16/cli3/Diffuse.Cli
grep -qx "$1" /work/r16/recipes/skip 2>/dev/null && exit 0
T=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
name=$1; shift
/usr/bin/time -f "%e s wall" $CLI train --out $name "$@" > $name.train.log 2>&1
tail -c 300 $name.train.log | tr '\r' '\n' | tail -3
for sp in ${SPACINGS:-leading trailing}; do
  rm -rf $name-$sp; cp -r $name/model $name-$sp
  python3 -c "import json;p='$name-$sp/scheduler/scheduler_config.json';c=json.load(open(p));c['timestep_spacing']='$sp';json.dump(c,open(p,'w'),indent=2)"
  $CLI eval --model $name-$sp --classifier /work/flow-runs/classifier --data $T --count 1000 --sampler ddim --steps 50 --out $name-$sp.json > $name-$sp.eval.log 2>&1
  python3 -c "import json;d=json.load(open('$name-$sp.json'));print('$name $sp FD %.1f floor %.1f'%(d['frechet_distance'],d['real_vs_real_frechet_distance']))"
done
