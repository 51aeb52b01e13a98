import torch, numpy as np
from diffusers import UNet2DModel, FlowMatchEulerDiscreteScheduler
from PIL import Image
folder = "runs/fashion-mnist/model"
unet = UNet2DModel.from_pretrained(folder, subfolder="unet").eval()
scheduler = FlowMatchEulerDiscreteScheduler.from_pretrained(folder, subfolder="scheduler")
scheduler.set_timesteps(50)
torch.manual_seed(0)
x = torch.randn(16, 1, 28, 28)
with torch.no_grad():
    for t in scheduler.timesteps:
        x = scheduler.step(unet(x, t).sample, t, x).prev_sample
img = ((x.clamp(-1, 1) + 1) * 127.5).round().byte().reshape(4, 4, 28, 28).permute(0, 2, 1, 3).reshape(112, 112).numpy()
Image.fromarray(img).resize((224, 224), Image.NEAREST).save("diffusers-samples.png")
print("ok", x.mean().item(), x.std().item())
