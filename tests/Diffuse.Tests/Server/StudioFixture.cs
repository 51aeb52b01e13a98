using Diffuse.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Diffuse.Tests.Server;

/// <summary>
/// The studio in-process (WebApplicationFactory with its test server) over a temporary models folder holding copies of
/// the two shipped models and one broken folder (the factory is keyed by this type: it needs an assembly with an entry
/// point, which the test assembly has and the server library has not), an empty runs folder and an outputs folder. A file planted beside the
/// served folders (<see cref="Secret"/>) must never come back from any request.
/// </summary>
public class StudioFixture : WebApplicationFactory<StudioFixture>
{
    public const string SecretText = "the server must never send this";

    public StudioFixture() : this(queueLimit: 4) { }

    // The factory looks for a content root beside a solution named after the test assembly; the studio serves nothing
    // from its content root, so the test binaries' folder will do (this is the factory's documented setting for it).
    static StudioFixture() => Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_DIFFUSE_TESTS", AppContext.BaseDirectory);

    protected StudioFixture(int queueLimit, bool withTextModel = false)
    {
        Root = new TempFolder();
        Models = Directory.CreateDirectory(Root.File("models")).FullName;
        foreach (var name in new[] { "fashion-mnist", "fashion-mnist-superres-x2" })
            CopyFolder(Path.Combine(Diffuse.Tests.Packaging.Readme.RepositoryRoot, "models", name), Path.Combine(Models, name));
        if (withTextModel)
            foreach (var part in new[] { "model_index.json", "scheduler", "text_encoder", "tokenizer", "unet", "vae" })
            {
                var from = Path.Combine(Fixtures.InteropFolder, "tiny-sd", part);
                if (File.Exists(from)) { Directory.CreateDirectory(Path.Combine(Models, "tiny-sd")); File.Copy(from, Path.Combine(Models, "tiny-sd", part)); }
                else CopyFolder(from, Path.Combine(Models, "tiny-sd", part));
            }
        var broken = Directory.CreateDirectory(Path.Combine(Models, "broken")).FullName;
        File.WriteAllText(Path.Combine(broken, "model_index.json"), "{ not json");
        Runs = Directory.CreateDirectory(Root.File("runs")).FullName;
        Outputs = Root.File("outputs");
        Secret = Root.File("secret.txt");
        File.WriteAllText(Secret, SecretText);
        Options = new StudioOptions { ModelsFolder = Models, RunsFolder = Runs, OutputsFolder = Outputs, QueueLimit = queueLimit, MaxBodyBytes = 1024 * 1024 };
    }

    public TempFolder Root { get; }
    public string Models { get; }
    public string Runs { get; }
    public string Outputs { get; }
    public string Secret { get; }
    public StudioOptions Options { get; }

    protected override IHostBuilder CreateHostBuilder() => StudioHost.CreateHostBuilder(Options, "http://127.0.0.1:0");

    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Root.Dispose();
    }
}
