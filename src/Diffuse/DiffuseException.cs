namespace Diffuse;

/// <summary>
/// The one exception type for failures a user can act on: a missing file, a bad config value, an
/// unknown name. Its message is a single line that names the thing and the problem; the CLI prints it
/// as is and exits non-zero.
/// </summary>
public class DiffuseException : Exception
{
    public DiffuseException(string message) : base(message) { }

    public DiffuseException(string message, Exception inner) : base(message, inner) { }
}
