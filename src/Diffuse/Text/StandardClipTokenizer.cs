using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Diffuse.Text;

/// <summary>
/// The CLIP tokenizer Stable Diffusion 1.x and 2.x share (OpenAI's BPE, embedded in the library), for checkpoints that
/// carry none (original single files): written once into a folder of the user's temp directory and loaded from there.
/// 1.x pads with <c>&lt;|endoftext|&gt;</c>, 2.x (OpenCLIP) with <c>!</c>.
/// </summary>
public static class StandardClipTokenizer
{
    public static ClipTokenizer Load(bool padWithExclamationMark = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "diffuse-clip-tokenizer", padWithExclamationMark ? "sd2" : "sd1");
        if (!File.Exists(Path.Combine(folder, "tokenizer_config.json")))
        {
            var staging = folder + "." + Guid.NewGuid().ToString("N");
            Directory.CreateDirectory(staging);
            Extract("clip-vocab.json.gz", Path.Combine(staging, ClipTokenizer.VocabFile));
            Extract("clip-merges.txt.gz", Path.Combine(staging, ClipTokenizer.MergesFile));
            var config = new JsonObject
            {
                ["tokenizer_class"] = "CLIPTokenizer", ["model_max_length"] = 77, ["do_lower_case"] = true,
                ["bos_token"] = "<|startoftext|>", ["eos_token"] = "<|endoftext|>", ["unk_token"] = "<|endoftext|>",
                ["pad_token"] = padWithExclamationMark ? "!" : "<|endoftext|>",
            };
            File.WriteAllText(Path.Combine(staging, "tokenizer_config.json"), config.ToJsonString());
            try { Directory.Move(staging, folder); }
            catch (IOException) { Directory.Delete(staging, recursive: true); }   // another process wrote it first
        }
        return ClipTokenizer.Load(folder);
    }

    static void Extract(string resource, string path)
    {
        using var stream = typeof(StandardClipTokenizer).Assembly.GetManifestResourceStream($"Diffuse.Text.Embedded.{resource}")
                           ?? throw new DiffuseException($"the library is missing its embedded {resource}");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var file = File.Create(path);
        gzip.CopyTo(file);
    }
}
