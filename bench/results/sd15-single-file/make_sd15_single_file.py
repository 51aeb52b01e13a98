"""An SD 1.5-sized original-layout single-file checkpoint with random weights, to measure loading it.

UNet and VAE: diffusers v0.31's UNet2DConditionModel / AutoencoderKL with SD 1.5's configs (from
../shared/perf/sd15_cpu_bench.py), seeded default init, renamed to the original layout by diffusers'
scripts/convert_diffusers_to_original_stable_diffusion.py. Text encoder: CLIP ViT-L/14's text tower shapes under
transformers' names (random normal, std 0.02), prefixed cond_stage_model.transformer.text_model. as SD 1.x files hold it.

PYTHONPATH=/tmp/pysite:/tmp/diffusers-v0.31.0/src:/tmp/diffusers-v0.31.0/scripts:../shared/perf \
  /usr/bin/python3 make_sd15_single_file.py OUT.safetensors
"""
import sys
import torch
from safetensors.torch import save_file
from diffusers import UNet2DConditionModel, AutoencoderKL
import convert_diffusers_to_original_stable_diffusion as conv
import sd15_cpu_bench as perf

torch.manual_seed(0)
state = {}
unet = UNet2DConditionModel(**perf.SD15_UNET)
state.update({"model.diffusion_model." + k: v for k, v in conv.convert_unet_state_dict(unet.state_dict()).items()})
del unet
vae = AutoencoderKL(**perf.SD15_VAE)
state.update({"first_stage_model." + k: v for k, v in conv.convert_vae_state_dict(vae.state_dict()).items()})
del vae
g = torch.Generator().manual_seed(1)
def rnd(*shape):
    return torch.randn(*shape, generator=g) * 0.02
t = "cond_stage_model.transformer.text_model."
state[t + "embeddings.token_embedding.weight"] = rnd(49408, 768)
state[t + "embeddings.position_embedding.weight"] = rnd(77, 768)
for i in range(12):
    p = f"{t}encoder.layers.{i}."
    for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
        state[p + f"self_attn.{proj}.weight"] = rnd(768, 768)
        state[p + f"self_attn.{proj}.bias"] = rnd(768)
    for ln in ("layer_norm1", "layer_norm2"):
        state[p + f"{ln}.weight"] = torch.ones(768)
        state[p + f"{ln}.bias"] = torch.zeros(768)
    state[p + "mlp.fc1.weight"] = rnd(3072, 768)
    state[p + "mlp.fc1.bias"] = rnd(3072)
    state[p + "mlp.fc2.weight"] = rnd(768, 3072)
    state[p + "mlp.fc2.bias"] = rnd(768)
state[t + "final_layer_norm.weight"] = torch.ones(768)
state[t + "final_layer_norm.bias"] = torch.zeros(768)
state = {k: v.contiguous() for k, v in state.items()}
save_file(state, sys.argv[1])
print(len(state), "tensors,", sum(v.numel() for v in state.values()), "parameters")
