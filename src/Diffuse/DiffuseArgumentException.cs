namespace Diffuse;

/// <summary>
/// A bad argument to a library call, named as the library names it (<c>steps</c>, <c>guidance_scale</c>): the
/// message reads "steps must be positive (got 0)". A front end that calls the parameter something else (the CLI's
/// <c>--steps</c>) maps <see cref="ParameterName"/> to its own name and keeps <see cref="Problem"/>.
/// </summary>
public sealed class DiffuseArgumentException : DiffuseException
{
    public string ParameterName { get; }

    public string Problem { get; }

    public DiffuseArgumentException(string parameterName, string problem) : base($"{parameterName} {problem}")
    {
        ParameterName = parameterName;
        Problem = problem;
    }
}
