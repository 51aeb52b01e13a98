using Diffuse.Benchmarks;
using Diffuse.Models;
using static TorchSharp.torch;

namespace Diffuse.Tests.Benchmarks;

/// <summary>
/// The sd15-* bench cases: their names, SD 1.5's config, and the measurement run on a UNet small enough for a test
/// (building the real 860M-parameter one takes 10 s and 3.5 GB: that is the bench's job).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class StableDiffusionCasesTests
{
    [Fact]
    public void The_default_run_leaves_the_Stable_Diffusion_cases_out()
    {
        Assert.Empty(BenchCases.Names.Intersect(StableDiffusionCases.Names));
        Assert.Empty(new BenchOptions().Cases.Intersect(StableDiffusionCases.Names));
        Assert.All(StableDiffusionCases.Names, name => Assert.Throws<DiffuseException>(() => BenchCases.Get(name)));
    }

    [Theory]
    [InlineData(StableDiffusionCases.UNet64Float32, 64, ScalarType.Float32)]
    [InlineData(StableDiffusionCases.UNet64BFloat16, 64, ScalarType.BFloat16)]
    [InlineData(StableDiffusionCases.UNet32Float32, 32, ScalarType.Float32)]
    [InlineData(StableDiffusionCases.UNet32BFloat16, 32, ScalarType.BFloat16)]
    public void A_case_name_gives_batch_2_at_its_latent_size_and_dtype(string name, int side, ScalarType dtype)
    {
        new BenchOptions { Cases = [name, BenchCases.PtTiny] }.Validate();
        var bench = StableDiffusionCases.Get(name);
        Assert.Equal((2, 77, side, dtype), (bench.Batch, bench.Tokens, bench.LatentSize, bench.DType));
        Assert.Equal(1, BenchRunner.FewestCalls(new BenchOptions { Cases = [name] }.WithFixedRepeats(0) with { MinRepeats = 0 }));
    }

    [Fact]
    public void The_config_is_the_released_SD_1_5_UNet()
    {
        var config = StableDiffusionCases.UNetConfig();
        config.Validate();
        Assert.Equal([320, 640, 1280, 1280], config.BlockOutChannels);
        Assert.Equal(["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"], config.DownBlockTypes);
        Assert.Equal(["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], config.UpBlockTypes);
        Assert.Equal([2, 2, 2, 2], config.LayersPerBlockPerBlock());
        Assert.Equal([8, 8, 8, 8], config.HeadsPerBlock());                        // "attention_head_dim": 8 means 8 heads
        Assert.Equal([768, 768, 768, 768], config.CrossAttentionDimPerBlock());
        Assert.Equal((4, 4, 32, 1e-5, false, 1280), (config.InChannels, config.OutChannels, config.NormNumGroups, config.NormEps,
                                                      config.UseLinearProjection, config.TimeEmbedDim));
    }

    private static DenoiserCase Small(ScalarType dtype) => new("small-sd", "test", new UNet2DConditionConfig
    {
        SampleSize = 8, BlockOutChannels = [32, 64], LayersPerBlock = 1, DownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"],
        UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D"], AttentionHeadDim = 2, CrossAttentionDim = 24, NormNumGroups = 8,
    }, LatentSize: 8, Batch: 2, Tokens: 5, dtype);

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void A_case_is_timed_alone_with_its_peak_memory(ScalarType dtype)
    {
        var bench = Small(dtype);
        var calls = new List<bool>();
        var row = DenoiserSpeed.Measure(bench, new BenchOptions { DenoiserWarmups = 1 }.WithFixedRepeats(2), (_, warmup) => calls.Add(warmup));

        Assert.Equal([true, false, false], calls);
        Assert.Equal(2, row.Step.Count);
        Assert.Equal(InferenceDTypes.Name(dtype), row.DType);
        using (var model = new UNet2DConditionModel(bench.Config)) Assert.Equal(model.parameters().Sum(p => p.numel()), row.Parameters);
        if (OperatingSystem.IsLinux())
        {
            Assert.True(row.PeakReset);
            Assert.True(row.RssAfterBuildBytes > 0 && row.PeakRssDuringCallsBytes > 0 && row.BuildPeakRssBytes >= row.RssAfterBuildBytes);
        }
    }

    [Fact]
    public void A_reduced_precision_case_is_built_in_its_dtype_and_leaves_the_default_dtype_alone()
    {
        using var model = DenoiserSpeed.Build(Small(ScalarType.BFloat16));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.Equal(ScalarType.Float32, get_default_dtype());
    }
}
