using Diffuse.Formats;
using static TorchSharp.torch;

namespace Diffuse.Tests.Formats;

/// <summary>A mapped safetensors file gives the tensors a whole read gives, with the same header checks.</summary>
public sealed class SafetensorsMappingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_single_file_fixture_maps_to_the_tensors_a_whole_read_gives()
    {
        var path = Directory.GetFiles(Path.Combine(Fixtures.InteropFolder, "tiny-sd-single-file"), "*.safetensors").Single();
        var read = SafetensorsFile.Read(path);
        using var mapping = SafetensorsMapping.Map(path);
        var mapped = mapping.Tensors;
        try
        {
            Assert.Equal(read.Keys.Order(), mapped.Keys.Order());
            foreach (var (key, tensor) in read)
            {
                Assert.Equal(tensor.dtype, mapped[key].dtype);
                Assert.Equal(tensor.shape, mapped[key].shape);
                Assert.True(tensor.eq(mapped[key]).all().item<bool>(), key);
            }
        }
        finally
        {
            foreach (var t in read.Values) t.Dispose();
        }
    }

    [Fact]
    public void A_released_tensor_reads_its_values_again_from_the_file()
    {
        var path = _temp.File("big.safetensors");
        using (var scope = NewDisposeScope())
            SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = arange(0, 100_000, dtype: float32), ["b"] = ones(3) });
        using var mapping = SafetensorsMapping.Map(path);
        var w = mapping.Tensors["w"];
        double before = w.sum().item<float>();
        mapping.Release(w);
        mapping.Release(ones(3));   // not a view of the mapping: nothing happens
        Assert.Equal(before, (double)w.sum().item<float>());
        Assert.Equal(99_999f, w[99_999].item<float>());
    }

    [Fact]
    public void A_tensor_at_an_offset_its_dtype_cannot_view_is_copied_out_with_the_same_values()
    {
        // One byte tensor first puts the float32 tensor at offset 1 of the data (the reference writer never does).
        var header = "{" + HandMadeSafetensors.F32("a", "[1]", 0, 1, dtype: "U8") + "," + HandMadeSafetensors.F32("b", "[2]", 1, 9) + "}";
        var padded = header + new string(' ', (8 - header.Length % 8) % 8);
        var path = HandMadeSafetensors.Write(_temp.File("odd.safetensors"), padded, 9);
        var read = SafetensorsFile.Read(path);
        using var mapping = SafetensorsMapping.Map(path);
        var mapped = mapping.Tensors;
        Assert.Equal(new byte[] { 0 }, mapped["a"].data<byte>().ToArray());
        Assert.Equal(read["b"].data<float>().ToArray(), mapped["b"].data<float>().ToArray());
        foreach (var t in read.Values) t.Dispose();
    }

    [Fact]
    public void A_header_that_claims_bytes_past_the_end_is_refused_before_mapping()
    {
        var path = HandMadeSafetensors.Write(_temp.File("short.safetensors"), "{" + HandMadeSafetensors.F32("w", "[4]", 0, 16) + "}", 8);
        var e = Assert.ThrowsAny<DiffuseException>(() => SafetensorsMapping.Map(path));
        Assert.Contains("short.safetensors", e.Message);
    }
}
