using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Diffuse.Data;

/// <summary>
/// A folder of captioned images in the layouts of the ecosystem: Hugging Face <c>imagefolder</c>'s
/// <c>metadata.jsonl</c> (one JSON object a line, <c>{"file_name": ..., "text": ...}</c>), or, without it, a
/// <c>.txt</c> caption beside each image (same name). Every problem stops the load with one line naming the line or
/// file (a missing image, an empty caption, a line that is not UTF-8 or not JSON, a file that is not an image), so a
/// model is never trained on part of the data without anyone knowing.
/// </summary>
public static class CaptionedFolderLoader
{
    public const string MetadataFile = "metadata.jsonl";
    public const string CaptionExtension = ".txt";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when <paramref name="folder"/> holds captions: a metadata.jsonl or at least one .txt.</summary>
    public static bool HasCaptions(string folder) =>
        Directory.Exists(folder) && (File.Exists(Path.Combine(folder, MetadataFile))
                                     || Directory.EnumerateFiles(folder, "*" + CaptionExtension).Any());

    /// <param name="size">side of the square images (shorter side resized, centre crop); null: the first image's shorter side.</param>
    /// <param name="channels">3 for RGB, 1 for grayscale.</param>
    public static CaptionedImages Load(string folder, int? size = null, int channels = 3)
    {
        if (!Directory.Exists(folder)) throw new DiffuseException($"{folder}: folder not found");
        var entries = File.Exists(Path.Combine(folder, MetadataFile)) ? ReadMetadata(folder) : ReadSideCaptions(folder);
        if (entries.Count == 0) throw new DiffuseException($"{folder}: no captioned images (an empty {MetadataFile}, or no image has a {CaptionExtension} beside it)");
        var images = new List<Tensor>(entries.Count);
        try
        {
            foreach (var (file, _, where) in entries)
            {
                using var scope = NewDisposeScope();
                Tensor image;
                try { image = ImageDecoder.Decode(file, channels); }
                catch (DiffuseException e) { throw new DiffuseException($"{where}: {e.Message}", e); }
                size ??= (int)Math.Min(image.shape[2], image.shape[3]);
                images.Add(ResizeCrop.ShorterSideThenCenterCrop(image, size.Value).MoveToOuterDisposeScope());
            }
            return new CaptionedImages(new ImageDataset(cat(images, 0)), entries.Select(e => e.Caption).ToArray());
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    /// <summary>(image path, caption, "metadata.jsonl line N") for every non-blank line.</summary>
    private static List<(string File, string Caption, string Where)> ReadMetadata(string folder)
    {
        var path = Path.Combine(folder, MetadataFile);
        var bytes = File.ReadAllBytes(path);
        var entries = new List<(string, string, string)>();
        int lineNumber = 0, start = 0;
        // A UTF-8 byte-order mark at the start is allowed, as Python's json reader with utf-8-sig would.
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) start = 3;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            lineNumber++;
            var where = $"{path} line {lineNumber}";
            string text;
            try { text = StrictUtf8.GetString(bytes, start, end - start).TrimEnd('\r'); }
            catch (DecoderFallbackException) { throw new DiffuseException($"{where}: not valid UTF-8"); }
            start = end + 1;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonNode? node;
            try { node = JsonNode.Parse(text); }
            catch (JsonException e) { throw new DiffuseException($"{where}: not valid JSON: {e.Message.Split('\n')[0]}"); }
            if (node is not JsonObject entry) throw new DiffuseException($"{where}: expected a JSON object with file_name and text");
            var name = StringField(entry, "file_name", where);
            var caption = StringField(entry, "text", where);
            if (string.IsNullOrWhiteSpace(caption)) throw new DiffuseException($"{where}: the caption (text) of '{name}' is empty");
            var file = Path.Combine(folder, name);
            if (!File.Exists(file)) throw new DiffuseException($"{where}: image '{name}' not found in {folder}");
            entries.Add((file, caption, where));
        }
        return entries;
    }

    private static string StringField(JsonObject entry, string key, string where) =>
        entry[key] is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new DiffuseException($"{where}: \"{key}\" is missing or not a string");

    /// <summary>Each image with the caption of the .txt of the same name beside it.</summary>
    private static List<(string File, string Caption, string Where)> ReadSideCaptions(string folder)
    {
        var entries = new List<(string, string, string)>();
        var images = Directory.EnumerateFiles(folder)
            .Where(f => ImageFolderLoader.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal);
        foreach (var image in images)
        {
            var captionFile = Path.ChangeExtension(image, CaptionExtension);
            if (!File.Exists(captionFile)) throw new DiffuseException($"{image}: no caption ({Path.GetFileName(captionFile)} is missing beside it)");
            string caption;
            try { caption = StrictUtf8.GetString(File.ReadAllBytes(captionFile)).Trim(); }
            catch (DecoderFallbackException) { throw new DiffuseException($"{captionFile}: not valid UTF-8"); }
            if (caption.Length == 0) throw new DiffuseException($"{captionFile}: the caption is empty");
            entries.Add((image, caption, captionFile));
        }
        return entries;
    }
}
