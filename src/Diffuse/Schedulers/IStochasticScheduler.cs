namespace Diffuse.Schedulers;

/// <summary>A sampler whose step noise is scaled by η (DDIM's eq. 16 η; Euler ancestral's share of ancestral noise).</summary>
public interface IStochasticScheduler : IScheduler
{
    double Eta { get; set; }
}
