using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class NoiseSettings : CommandSettings
{
    [CommandOption("--data <PATH>")]
    [Description("Where the image comes from: an IDX file, an image folder, or fashion-mnist (embedded).")]
    [DefaultValue("fashion-mnist")]
    public string Data { get; init; } = "fashion-mnist";

    [CommandOption("--index <N>")]
    [Description("Which image of the data set.")]
    [DefaultValue(0)]
    public int Index { get; init; }

    [CommandOption("-t|--timesteps <LIST>")]
    [Description("Comma-separated timesteps to show, each in [[0, num_train_timesteps).")]
    [DefaultValue("0,50,100,200,300,500,700,999")]
    public string Timesteps { get; init; } = "0,50,100,200,300,500,700,999";

    [CommandOption("--schedule <NAME>")]
    [Description("Beta schedule: linear, scaled_linear, squaredcos_cap_v2, sigmoid.")]
    [DefaultValue("linear")]
    public string Schedule { get; init; } = "linear";

    [CommandOption("--num-train-timesteps <N>")]
    [Description("Length of the forward process.")]
    [DefaultValue(1000)]
    public int NumTrainTimesteps { get; init; } = 1000;

    [CommandOption("--image-size <N>")]
    [Description("Image size (default: 28 for IDX data, 32 for folders).")]
    public int? ImageSize { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the noise ε (the same ε at every t, as in the closed form).")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--out <FILE.png>")]
    [Description("Where to write the strip.")]
    [DefaultValue("noise.png")]
    public string Out { get; init; } = "noise.png";
}
