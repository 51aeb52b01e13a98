using Diffuse.Schedules;

namespace Diffuse.Tests.Schedules;

public sealed class PredictionTypesTests
{
    [Theory]
    [InlineData("epsilon", PredictionType.Epsilon)]
    [InlineData("sample", PredictionType.Sample)]
    [InlineData("v_prediction", PredictionType.VPrediction)]
    public void Diffusers_names_parse_and_print_back(string name, PredictionType type)
    {
        Assert.Equal(type, PredictionTypes.Parse(name));
        Assert.Equal(name, type.ToConfigString());
    }

    [Fact]
    public void Unknown_prediction_type_is_rejected_with_the_choices()
    {
        var e = Assert.ThrowsAny<DiffuseException>(() => PredictionTypes.Parse("x0"));
        Assert.Equal("unknown prediction_type 'x0' (expected epsilon, sample, v_prediction)", e.Message);
    }
}
