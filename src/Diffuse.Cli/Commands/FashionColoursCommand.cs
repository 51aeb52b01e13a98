using Diffuse.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse data fashion-colours</c>: writes Fashion-MNIST in 8 colours, captioned, as an imagefolder.</summary>
public sealed class FashionColoursCommand(IAnsiConsole console) : Command<FashionColoursSettings>
{
    public override int Execute(CommandContext context, FashionColoursSettings s, CancellationToken cancellationToken)
    {
        int count = FashionColoursWriter.Write(s.Data, s.Out, s.Seed, s.AllPairs, s.Count);
        var held = string.Join(", ", FashionColours.HeldOut.Select(p => $"{FashionColours.Colours[p.Colour]} {FashionColours.Garments[p.Garment]}"));
        console.MarkupLineInterpolated($"wrote {count} captioned images to {s.Out} ({(s.AllPairs ? "all 80 colour–garment pairs" : "held out: " + held)})");
        return 0;
    }
}
