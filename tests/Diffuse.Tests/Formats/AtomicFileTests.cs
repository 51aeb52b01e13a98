using Diffuse.Formats;

namespace Diffuse.Tests.Formats;

public sealed class AtomicFileTests
{
    [Fact]
    public void Writing_over_an_existing_file_replaces_it_and_leaves_no_temp_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("a.txt");
        File.WriteAllText(path, "old content that is longer");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(new[] { "a.txt" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failing_writer_keeps_the_old_file_and_deletes_the_temp_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("a.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllBytes(temp, [9]);
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Writing_creates_missing_folders()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "x", "y", "b.bin");

        AtomicFile.WriteAllBytes(path, [7, 8]);

        Assert.Equal(new byte[] { 7, 8 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_unwritable_target_becomes_a_DiffuseException_naming_it()
    {
        using var dir = new TempFolder();
        var blocker = dir.File("blocker");
        File.WriteAllText(blocker, "a file where a folder is expected");
        var path = Path.Combine(blocker, "c.txt");

        var e = Assert.ThrowsAny<DiffuseException>(() => AtomicFile.WriteAllText(path, "x"));

        Assert.StartsWith(path + ": cannot write", e.Message);
    }
}
