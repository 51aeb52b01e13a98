namespace Diffuse.Cli;

/// <summary>
/// The command-line option for each parameter name the library uses in its errors: the library says
/// "guidance_scale must be 0 or more", the user reads "--guidance-scale must be 0 or more". Names not listed become
/// --name with dashes for underscores.
/// </summary>
public static class OptionNames
{
    static readonly Dictionary<string, string> Renamed = new()
    {
        ["classes"] = "--class",
        ["scheduler"] = "--sampler",
        ["initial_noise"] = "--init-noise",
        ["warmup_steps"] = "--warmup",
        ["timestep_samples"] = "--timestep-samples",
        ["num_train_timesteps"] = "num_train_timesteps",
        ["min_lr_ratio"] = "min_lr_ratio",
        ["ema_max_decay"] = "ema_max_decay",
        ["checkpoints_kept"] = "checkpoints_kept",
        ["step_index"] = "step_index",
        ["tiled_decoding"] = "--vae-tiling",
    };

    public static string For(string parameter) =>
        Renamed.TryGetValue(parameter, out var option) ? option : "--" + parameter.Replace('_', '-');
}
