using System.ComponentModel;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

public sealed class SweepSettings : SampleQualitySettings
{
    [CommandOption("--rows <LIST>")]
    [Description("Samplers and step counts, SAMPLER:STEPS separated by commas (e.g. ddim:10,dpm++:20). Default: ddpm:1000, ddim:10, ddim:20, ddim:50, ddim:100, dpm++:10, dpm++:20, euler:20, heun:10; for a flow-matching model flow_euler:10, flow_euler:20, flow_euler:50, flow_heun:10.")]
    public string? Rows { get; init; }
}
