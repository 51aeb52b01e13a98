using System.Globalization;
using Diffuse.Models;
using Diffuse.Pipelines;
using static TorchSharp.torch;

namespace Diffuse.Cli.Commands;

/// <summary>
/// What `diffuse sample` does with --class and --guidance-scale: for a class-conditional model, the
/// class of each grid row and the guided denoiser; for an unconditional one, a clear refusal.
/// </summary>
public sealed class ClassSelection
{
    public IReadOnlyList<int> RowClasses { get; }
    public int NullClass { get; }
    public double Weight { get; }

    private ClassSelection(IReadOnlyList<int> rowClasses, int nullClass, double weight)
    {
        RowClasses = rowClasses;
        NullClass = nullClass;
        Weight = weight;
    }

    /// <summary>Null for an unconditional model (after refusing class options given for one).</summary>
    public static ClassSelection? For(object model, string? classList, double? guidance)
    {
        if (model is not UNet2DModel { Config.NullClass: int nullClass })
        {
            if (classList is not null) throw new DiffuseException("--class needs a class-conditional model (trained with --conditional); this one has no classes");
            if (guidance is not null) throw new DiffuseException("--guidance-scale needs a class-conditional model (trained with --conditional); this one is unconditional");
            return null;
        }
        if (guidance is double w && !(w >= 0)) throw new DiffuseException($"--guidance-scale must be 0 or more (got {w})");
        int classes = nullClass;   // classes 0..K−1, K is the null class
        var rows = classList is null
            ? Enumerable.Range(0, classes).ToList()
            : classList.Split(',', StringSplitOptions.TrimEntries).Select(part =>
              {
                  if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k))
                      throw new DiffuseException($"--class: '{part}' is not a class index");
                  if (k < 0 || k >= classes) throw new DiffuseException($"--class {k} is outside the model's classes 0..{classes - 1}");
                  return k;
              }).ToList();
        return new ClassSelection(rows, nullClass, guidance ?? 0);
    }

    /// <summary>Eight samples a row unless --count says otherwise.</summary>
    public int DefaultCount => RowClasses.Count * 8;

    /// <summary>The labels of <paramref name="count"/> samples, row by row; count must split evenly into the rows.</summary>
    public Tensor Labels(int count)
    {
        if (count % RowClasses.Count != 0)
            throw new DiffuseException($"--count {count} does not split into {RowClasses.Count} rows of classes; use a multiple of {RowClasses.Count}");
        int perRow = count / RowClasses.Count;
        return tensor(Enumerable.Range(0, count).Select(i => (long)RowClasses[i / perRow]).ToArray());
    }

    public IDenoiser Guide(IDenoiser model, Tensor labels) => new ClassifierFreeGuidance(model, labels, NullClass, Weight);
}
