namespace Diffuse.Schedules;

/// <summary>Conversions between <see cref="PredictionType"/> and diffusers' config strings.</summary>
public static class PredictionTypes
{
    public const string Epsilon = "epsilon";
    public const string Sample = "sample";
    public const string VPrediction = "v_prediction";

    public static PredictionType Parse(string name) => name switch
    {
        Epsilon => PredictionType.Epsilon,
        Sample => PredictionType.Sample,
        VPrediction => PredictionType.VPrediction,
        _ => throw new DiffuseException(
            $"unknown prediction_type '{name}' (expected {Epsilon}, {Sample}, {VPrediction})"),
    };

    public static string ToConfigString(this PredictionType type) => type switch
    {
        PredictionType.Epsilon => Epsilon,
        PredictionType.Sample => Sample,
        PredictionType.VPrediction => VPrediction,
        _ => throw new DiffuseException($"unknown prediction type {(int)type}"),
    };
}
