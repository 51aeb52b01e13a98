using System.Text.Json.Nodes;
using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// Writes the tinted captioned set (<see cref="FashionColours"/>) as a Hugging Face <c>imagefolder</c>: one PNG per
/// image and <c>metadata.jsonl</c> with <c>{"file_name": ..., "text": ...}</c> a line. The whole folder is written
/// beside the target and swapped in, so a failure never leaves half a set.
/// </summary>
public static class FashionColoursWriter
{
    /// <summary>Writes the set; returns how many images it holds.</summary>
    /// <param name="data">fashion-mnist (the embedded 10,000) or an IDX images file with its labels beside it.</param>
    /// <param name="allPairs">also use the held-out pairs (a test set); by default they are left out (the training split).</param>
    /// <param name="limit">only the first N images (null: all).</param>
    public static int Write(string data, string outFolder, long seed, bool allPairs, int? limit = null)
    {
        using var source = DatasetLoader.Load(data, 28, channels: 1);
        if (source.Labels is null) throw new DiffuseArgumentException("data", $"'{data}' has no labels; the garments come from a Fashion-MNIST labels file beside the images");
        if (limit is <= 0) throw new DiffuseArgumentException("count", $"must be positive (got {limit})");
        int count = Math.Min(limit ?? source.Count, source.Count);
        var garments = source.Labels.narrow(0, 0, count).data<long>().ToArray();
        var colours = FashionColours.AssignColours(garments, seed, allPairs);
        FolderSwap.Write(outFolder, temp =>
        {
            var lines = new List<string>(count);
            const int chunk = 500;
            for (int start = 0; start < count; start += chunk)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(chunk, count - start);
                var tinted = FashionColours.Tint(source.Data.narrow(0, start, n), colours[start..(start + n)]);
                for (int i = 0; i < n; i++)
                {
                    int k = start + i;
                    var name = $"{k:D5}.png";
                    ImageGrid.SavePng(tinted.narrow(0, i, 1), Path.Combine(temp, name), columns: 1, padding: 0);
                    var line = new JsonObject { ["file_name"] = name, ["text"] = FashionColours.Caption(colours[k], (int)garments[k]) };
                    lines.Add(line.ToJsonString());
                }
            }
            AtomicFile.WriteAllText(Path.Combine(temp, CaptionedFolderLoader.MetadataFile), string.Join("\n", lines) + "\n");
        });
        return count;
    }
}
