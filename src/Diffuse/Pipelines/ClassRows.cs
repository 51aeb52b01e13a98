using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Pipelines;

/// <summary>
/// The class labels of a class-conditional batch, shared by the class-conditional pipelines: the classes asked for, one
/// a row of samples in order (every class by default), the null class as the unconditional record for guidance; for
/// editing one class or none (the model's unconditional mode).
/// </summary>
static class ClassRows
{
    public static SampleConditioning Condition(GenerationOptions options, int count, bool editing, int numClasses, int nullClass,
                                               double guidanceScale, Device device)
    {
        var classes = options.Classes;
        foreach (var k in classes ?? [])
            if (k < 0 || k >= numClasses) throw new DiffuseArgumentException("classes", $"{k} is outside the model's classes 0..{numClasses - 1}");
        Conditioning Labels(IEnumerable<int> labels) =>
            new() { ClassLabels = tensor(labels.Select(k => (long)k).ToArray(), dtype: int64).to(device) };
        if (editing)
        {
            if (classes is { Count: > 1 }) throw new DiffuseArgumentException("classes", $"take one class here (got {classes.Count})");
            if (classes is null)
            {
                if (guidanceScale != 1) throw new DiffuseArgumentException("guidance_scale", "needs a class to guide towards");
                return new SampleConditioning(Labels(Enumerable.Repeat(nullClass, count)), null);
            }
        }
        var rows = classes ?? Enumerable.Range(0, numClasses).ToList();
        if (count % rows.Count != 0)
            throw new DiffuseArgumentException("count", $"{count} does not split into {rows.Count} rows of classes; use a multiple of {rows.Count}");
        int perRow = count / rows.Count;
        var conditional = Labels(Enumerable.Range(0, count).Select(i => rows[i / perRow]));
        var unconditional = Labels(Enumerable.Repeat(nullClass, count));
        return new SampleConditioning(conditional, unconditional, editing ? null : perRow);
    }
}
