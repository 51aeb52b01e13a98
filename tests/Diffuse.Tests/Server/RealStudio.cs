using Diffuse.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Diffuse.Tests.Server;

/// <summary>
/// The studio on Kestrel at 127.0.0.1 on a free port, as <c>diffuse serve</c> runs it, over the same folders as
/// <see cref="TextStudioFixture"/> (the two shipped models, a broken folder, tiny random Stable Diffusion): for the browser and for what only a real socket shows (a client hanging up).
/// </summary>
public sealed class RealStudio : IDisposable
{
    readonly StudioFixture _folders = new TextStudioFixture();

    public RealStudio()
    {
        Host = StudioHost.CreateHostBuilder(_folders.Options, "http://127.0.0.1:0").Build();
        Host.Start();
        Address = Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public IHost Host { get; }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Address { get; }

    public StudioFixture Folders => _folders;

    public T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public void Dispose()
    {
        Host.StopAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        Host.Dispose();
        _folders.Dispose();
    }
}
