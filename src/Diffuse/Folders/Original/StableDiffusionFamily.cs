namespace Diffuse.Folders.Original;

/// <summary>Which Stable Diffusion an original checkpoint is: 1.x (CLIP ViT-L text encoder) or 2.x (OpenCLIP ViT-H).</summary>
public enum StableDiffusionFamily
{
    V1,
    V2,
}
