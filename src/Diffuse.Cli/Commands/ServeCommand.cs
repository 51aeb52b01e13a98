using System.Runtime.InteropServices;
using Diffuse.Server;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Diffuse.Cli.Commands;

/// <summary><c>diffuse serve</c>: the local web studio (src/Diffuse.Server) until Ctrl-C.</summary>
public sealed class ServeCommand(IAnsiConsole console) : Command<ServeSettings>
{
    public override int Execute(CommandContext context, ServeSettings s, CancellationToken cancellationToken)
    {
        var models = s.Models ?? (Directory.Exists("models") ? "models" : Path.Combine(AppContext.BaseDirectory, "models"));
        if (!Directory.Exists(models)) throw new DiffuseException($"{models}: --models folder not found");
        var options = new StudioOptions { ModelsFolder = models, RunsFolder = s.Runs, OutputsFolder = s.Outputs, QueueLimit = s.Queue };
        if (s.Runs is not null) Directory.CreateDirectory(s.Runs);
        bool loopback = StudioHost.IsLoopback(s.Host);
        if (!loopback)
            console.MarkupLineInterpolated($"[yellow]warning[/]: listening on {s.Host}, not 127.0.0.1: anyone who can reach this machine can use the studio and its CPU");
        var host = s.Host.Contains(':') && !s.Host.StartsWith('[') ? $"[{s.Host}]" : s.Host;
        using var app = StudioHost.CreateHostBuilder(options, $"http://{host}:{s.Port}").Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try { app.StartAsync(stop.Token).GetAwaiter().GetResult(); }
        catch (IOException e) { throw new DiffuseException($"cannot listen on {s.Host}:{s.Port}: {e.Message}"); }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        console.MarkupLineInterpolated($"diffuse studio on [link]{address}/[/]; Ctrl-C stops it");
        console.MarkupLineInterpolated($"models: {Path.GetFullPath(models)}");
        console.MarkupLineInterpolated($"runs: {(s.Runs is null ? "off (--runs DIR)" : Path.GetFullPath(s.Runs))}");
        console.MarkupLineInterpolated($"outputs: {Path.GetFullPath(s.Outputs)}");
        try { Task.Delay(Timeout.Infinite, stop.Token).GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { }
        console.MarkupLine("stopping: training runs save a checkpoint first");
        app.StopAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        return 0;
    }
}
