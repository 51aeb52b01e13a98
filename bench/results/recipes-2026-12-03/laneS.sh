#!/bin/bash
# run-to-run noise at equal steps: the 900-step ε recipe, seed 1, in float32 and bfloat16
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE SPACINGS=leading
./exp.sh f900s1 --steps 900 --prediction epsilon --dtype float32 --checkpoint-every 300 --seed 1
./exp.sh b900s1 --steps 900 --prediction epsilon --dtype bfloat16 --checkpoint-every 300 --seed 1
