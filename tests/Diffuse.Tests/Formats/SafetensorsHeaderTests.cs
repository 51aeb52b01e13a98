using Diffuse.Formats;
using static Diffuse.Tests.Formats.HandMadeSafetensors;

namespace Diffuse.Tests.Formats;

/// <summary>Every structural fault of a safetensors file is one DiffuseException naming the file and the tensor.</summary>
public sealed class SafetensorsHeaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string File(string header, int bufferBytes, ulong? declaredLength = null) =>
        Write(_temp.File($"{Guid.NewGuid():N}.safetensors"), header, bufferBytes, declaredLength);

    private static string Fails(string path)
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => SafetensorsFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void A_valid_file_reads_its_tensors_and_metadata()
    {
        var path = File("{\"__metadata__\":{\"format\":\"pt\"}," + F32("a", "[2,2]", 0, 16) + "," + F32("b", "[1]", 16, 20) + "}", 20);
        var header = SafetensorsHeader.Read(path);
        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Equal(new[] { "a", "b" }, header.Entries.Select(e => e.Name));

        var tensors = SafetensorsFile.Read(path);
        Assert.Equal(new long[] { 2, 2 }, tensors["a"].shape);
        Assert.Equal(new byte[] { 16, 17, 18, 19 }, tensors["b"].bytes.ToArray());
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Header_length_larger_than_the_file() =>
        Assert.Contains("header length 4096 is larger than the file", Fails(File("{}", 0, declaredLength: 4096)));

    [Fact]
    public void A_file_shorter_than_8_bytes()
    {
        var path = _temp.File("short.safetensors");
        System.IO.File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Fails(path));
    }

    [Fact]
    public void Header_that_is_not_json() =>
        Assert.Contains("header is not valid JSON", Fails(File("{\"a\": {dtype", 0)));

    [Theory]
    [InlineData("dtype")]
    [InlineData("shape")]
    [InlineData("data_offsets")]
    public void Entry_missing_a_field(string field)
    {
        var entry = new Dictionary<string, string> { ["dtype"] = "\"F32\"", ["shape"] = "[1]", ["data_offsets"] = "[0,4]" };
        entry.Remove(field);
        var body = string.Join(",", entry.Select(kv => $"\"{kv.Key}\":{kv.Value}"));
        Assert.Contains($"tensor 'w' has no {field}", Fails(File($"{{\"w\":{{{body}}}}}", 4)));
    }

    [Fact]
    public void Unknown_dtype() =>
        Assert.Contains("tensor 'w' has dtype 'F8_E4M3', which is not supported", Fails(File("{" + F32("w", "[4]", 0, 4, dtype: "F8_E4M3") + "}", 4)));

    [Fact]
    public void Offsets_past_the_end_of_the_buffer() =>
        Assert.Contains("tensor 'w' has data_offsets [8, 24] outside the 16-byte data buffer", Fails(File("{" + F32("w", "[4]", 8, 24) + "}", 16)));

    [Fact]
    public void Offsets_that_run_backwards() =>
        Assert.Contains("tensor 'w' has data_offsets [8, 4]", Fails(File("{" + F32("w", "[1]", 8, 4) + "}", 16)));

    [Fact]
    public void Overlapping_offsets() =>
        Assert.Contains("tensor 'b' (bytes 8-24) overlaps tensor 'a' (bytes 0-16)",
            Fails(File("{" + F32("a", "[4]", 0, 16) + "," + F32("b", "[4]", 8, 24) + "}", 24)));

    [Fact]
    public void Byte_length_that_disagrees_with_shape_and_dtype() =>
        Assert.Contains("tensor 'w' has 12 bytes but shape [2, 2] of F32 needs 16", Fails(File("{" + F32("w", "[2,2]", 0, 12) + "}", 16)));

    [Fact]
    public void Metadata_value_that_is_not_a_string() =>
        Assert.Contains("__metadata__ value 'steps' is not a string", Fails(File("{\"__metadata__\":{\"steps\":10}}", 0)));

    [Fact]
    public void Half_and_bfloat16_tensors_read_as_their_values()
    {
        // 1.0 is 0x3C00 in IEEE half and 0x3F80 in bfloat16; -2.0 is 0xC000 and 0xC000.
        var path = File("{" + F32("h", "[2]", 0, 4, dtype: "F16") + "," + F32("b", "[2]", 4, 8, dtype: "BF16") + "}", 0);
        using (var stream = System.IO.File.OpenWrite(path))
        {
            stream.Seek(0, SeekOrigin.End);
            stream.Write([0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0xC0]);
        }
        var tensors = SafetensorsFile.Read(path);
        Assert.Equal(new[] { 1f, -2f }, tensors["h"].to(TorchSharp.torch.float32).data<float>().ToArray());
        Assert.Equal(new[] { 1f, -2f }, tensors["b"].to(TorchSharp.torch.float32).data<float>().ToArray());
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Written_files_read_back_with_the_same_tensors_and_metadata()
    {
        var path = _temp.File("round.safetensors");
        var tensors = new Dictionary<string, TorchSharp.torch.Tensor>
        {
            ["z.weight"] = TorchSharp.torch.arange(6, dtype: TorchSharp.torch.float32).reshape(2, 3),
            ["a.index"] = TorchSharp.torch.tensor(new long[] { 7, 8 }),
            ["m.half"] = TorchSharp.torch.tensor(new[] { 0.5f, 1.5f }).to(TorchSharp.torch.float16),
            ["t.view"] = TorchSharp.torch.arange(6, dtype: TorchSharp.torch.float32).reshape(2, 3).t(),
        };
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "x+y" });

        var header = SafetensorsHeader.Read(path);
        Assert.Equal(0, header.DataStart % 8);
        Assert.Equal(new[] { "a.index", "t.view", "z.weight", "m.half" }, header.Entries.Select(e => e.Name));
        Assert.Equal("x+y", header.Metadata["note"]);
        var back = SafetensorsFile.Read(path);
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.dtype, back[name].dtype);
            Assert.True(tensor.shape.SequenceEqual(back[name].shape) && tensor.eq(back[name]).all().item<bool>(), name);
        }
        foreach (var t in tensors.Values.Concat(back.Values)) t.Dispose();
    }

    [Fact]
    public void A_diffusers_weights_file_is_written_back_byte_for_byte()
    {
        var original = Path.Combine(Fixtures.TinyGray, "unet", "diffusion_pytorch_model.safetensors");
        var copy = _temp.File("copy.safetensors");
        var tensors = SafetensorsFile.Read(original);
        SafetensorsFile.Write(copy, tensors, SafetensorsFile.ReadMetadata(original));
        foreach (var t in tensors.Values) t.Dispose();
        Assert.Equal(System.IO.File.ReadAllBytes(original), System.IO.File.ReadAllBytes(copy));
    }
}
