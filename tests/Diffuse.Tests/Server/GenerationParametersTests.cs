using Diffuse.Server;

namespace Diffuse.Tests.Server;

public sealed class GenerationParametersTests
{
    [Fact]
    public void A1111_s_own_parameters_text_is_read_into_request_fields()
    {
        const string text = "a castle on a hill, \"golden hour\"\nwide shot\nNegative prompt: blurry, low quality\n"
                            + "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1234567890, Size: 512x768, Model hash: abc123, Model: sd15, "
                            + "Lora hashes: \"x: 1, y: 2\", Version: v1.9.0";
        var settings = GenerationParameters.Parse(text);
        Assert.Equal("a castle on a hill, \"golden hour\"\nwide shot", settings["prompt"]);
        Assert.Equal("blurry, low quality", settings["negative_prompt"]);
        Assert.Equal(28, settings["steps"]);
        Assert.Equal("DPM++ 2M Karras", settings["sampler"]);
        Assert.Equal(7.5, settings["guidance_scale"]);
        Assert.Equal(1234567890L, settings["seed"]);
        Assert.Equal(512, settings["width"]);
        Assert.Equal(768, settings["height"]);
        Assert.Equal("sd15", settings["model"]);
    }

    [Fact]
    public void Text_without_a_settings_line_is_all_prompt()
    {
        var settings = GenerationParameters.Parse("just a prompt");
        Assert.Equal("just a prompt", settings["prompt"]);
        Assert.Single(settings);
    }
}
