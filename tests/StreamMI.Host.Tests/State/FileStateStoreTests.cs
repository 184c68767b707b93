using StreamMI.Host.State;

namespace StreamMI.Host.Tests.State;

public sealed class FileStateStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streammi-files-").FullName;

    [Fact]
    public void Load_AfterTwoSaves_ReturnsTheNewerRecordOfEachPartition()
    {
        var store = new FileStateStore(_directory, "checkout", "orders");

        Assert.True(store.Save([new(0, [1, 2, 3]), new(1, [4])], out _));
        Assert.True(store.Save([new(0, [5, 6])], out var problem));

        Assert.Null(problem);
        Assert.Equal([5, 6], store.Load(0));
        Assert.Equal([4], store.Load(1));
        Assert.Null(store.Load(2));
        Assert.Equal(2, Directory.GetFiles(_directory).Length);
    }

    [Fact]
    public void Load_WriteInterruptedBeforeItsRename_StillReturnsThePreviousRecord()
    {
        var store = new FileStateStore(_directory, "checkout", "orders");
        store.Save([new(3, [1, 2, 3])], out _);

        // What a process killed in the middle of a save leaves: a partial temporary file.
        File.WriteAllBytes(store.PathOf(3) + ".tmp", [9]);

        Assert.Equal([1, 2, 3], store.Load(3));
        Assert.True(store.Save([new(3, [7])], out _));
        Assert.Equal([7], store.Load(3));
        Assert.False(File.Exists(store.PathOf(3) + ".tmp"));
    }

    [Fact]
    public void PathOf_NamesThatDifferOnlyInReplacedCharacters_GetFilesOfTheirOwn()
    {
        var slash = new FileStateStore(_directory, "eu/checkout", "orders");
        var colon = new FileStateStore(_directory, "eu:checkout", "orders");

        Assert.NotEqual(slash.PathOf(0), colon.PathOf(0));
        Assert.Equal(_directory, Path.GetDirectoryName(slash.PathOf(0)));
        Assert.StartsWith("eu_checkout~orders~0~", Path.GetFileName(slash.PathOf(0)), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_DirectoryIsAFile_ReturnsFalseWithTheReason()
    {
        var file = Path.Combine(_directory, "not-a-directory");
        File.WriteAllBytes(file, []);
        var store = new FileStateStore(file, "checkout", "orders");

        Assert.False(store.Save([new(0, [1])], out var problem));

        Assert.False(string.IsNullOrEmpty(problem));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
