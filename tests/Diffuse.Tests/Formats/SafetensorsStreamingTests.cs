using Diffuse.Formats;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Formats;

/// <summary>Loading a safetensors file tensor by tensor gives what loading it whole gives, with the same checks.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class SafetensorsStreamingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static UNet2DModel Small(long seed)
    {
        manual_seed(seed);
        return new UNet2DModel(new UNet2DConfig
        {
            SampleSize = 8, InChannels = 1, OutChannels = 1, BlockOutChannels = [8, 16], LayersPerBlock = 1,
            DownBlockTypes = ["DownBlock2D", "AttnDownBlock2D"], UpBlockTypes = ["AttnUpBlock2D", "UpBlock2D"], NormNumGroups = 4,
        });
    }

    /// <summary>The model's weights in float16 under the attention names of diffusers before 0.15.</summary>
    private string WriteOldHalfFile(UNet2DModel model, string name)
    {
        var path = _temp.File(name);
        var weights = model.state_dict().ToDictionary(
            kv => kv.Key.Replace(".to_q.", ".query.").Replace(".to_out.0.", ".proj_attn."),
            kv => kv.Value.to(float16));
        SafetensorsFile.Write(path, weights);
        return path;
    }

    [Fact]
    public void A_streamed_load_equals_the_whole_file_load_with_old_names_and_float16()
    {
        using var source = Small(1);
        var path = WriteOldHalfFile(source, "old-half.safetensors");
        using var streamed = Small(2);
        SafetensorsStreaming.LoadInto(streamed, path);
        using var whole = Small(3);
        StateDictLoader.LoadInto(whole, ModelWeights.Read(path), path);

        var expected = source.state_dict();
        foreach (var (key, value) in streamed.state_dict())
        {
            Assert.True(value.equal(whole.state_dict()[key]).all().item<bool>(), $"{key} differs from the whole-file load");
            Assert.True(value.equal(expected[key].to(float16).to(float32)).all().item<bool>(), $"{key} is not the file's value");
        }
    }

    [Fact]
    public void A_weight_under_its_old_and_its_new_name_is_rejected_before_anything_is_copied()
    {
        using var source = Small(1);
        var path = _temp.File("both-names.safetensors");
        var weights = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value + 1);
        weights["mid_block.attentions.0.query.weight"] = weights["mid_block.attentions.0.to_q.weight"];
        SafetensorsFile.Write(path, weights);
        using var target = Small(2);
        var before = target.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var e = Assert.Throws<DiffuseException>(() => ModelWeights.LoadInto(target, path));
        Assert.Equal($"{path}: weight 'mid_block.attentions.0.to_q.weight' appears twice, under its old attention name and its current name", e.Message);
        foreach (var (key, value) in target.state_dict())
            Assert.True(value.equal(before[key]).all().item<bool>(), $"{key} was changed");
    }
}
