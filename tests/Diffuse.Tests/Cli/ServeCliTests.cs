namespace Diffuse.Tests.Cli;

/// <summary><c>diffuse serve</c>'s bad options end on one line before anything listens.</summary>
public sealed class ServeCliTests
{
    [Fact]
    public void A_missing_models_folder_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("serve", "--models", "/no/such/models"), "/no/such/models: --models folder not found");

    [Fact]
    public void A_port_out_of_range_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("serve", "--models", ".", "--port", "70000"), "--port must be 0 to 65535 (got 70000)");

    [Fact]
    public void A_queue_of_zero_is_one_line() =>
        CliAssert.OneLineError(CliInProcess.Run("serve", "--models", ".", "--queue", "0"), "--queue must be positive");
}
