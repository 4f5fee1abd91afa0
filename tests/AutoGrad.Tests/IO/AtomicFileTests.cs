using AutoGrad.IO;
using AutoGrad.NN;
using AutoGrad.Training;

namespace AutoGrad.Tests.IO;

// Note [Atomic saves] in src/AutoGrad/IO/AtomicFile.cs: every writer replaces its file by renaming a flushed, uniquely named
// temporary file, so readers and concurrent savers never see a partial file.
public sealed class AtomicFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("autograd-atomic");

    public void Dispose() => _dir.Delete(true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    // Writers save versions of different sizes (so a torn file cannot look whole) while readers load continuously.
    private static (int Reads, int Saves) Race(string path, Func<int, byte[]> version, Action<int> save, Action<byte[]> parse)
    {
        save(0);
        int reads = 0, saves = 0;
        var valid = Enumerable.Range(0, 4).Select(version).ToList();
        using var stop = new CancellationTokenSource();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var readersRunning = new CountdownEvent(2);   // writers start once both readers are reading (the host may be busy)
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            bool first = true;
            try
            {
                while (first || !stop.IsCancellationRequested)
                {
                    var bytes = File.ReadAllBytes(path);
                    Interlocked.Increment(ref reads);
                    if (!valid.Any(v => v.AsSpan().SequenceEqual(bytes))) errors.Enqueue($"a reader saw {bytes.Length} bytes that are no saved version");
                    else parse(bytes);
                    if (first) { first = false; readersRunning.Signal(); }
                }
            }
            finally { if (first) readersRunning.Signal(); }
        }, TaskCreationOptions.LongRunning)).ToArray();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Factory.StartNew(() =>
        {
            readersRunning.Wait();
            for (int i = 0; i < 25; i++)
            {
                try { save(w); Interlocked.Increment(ref saves); }
                catch (Exception e) { errors.Enqueue($"save {w} threw {e.GetType().Name}: {e.Message}"); }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(writers);
        stop.Cancel();
        Task.WaitAll(readers);
        Assert.Empty(errors);
        return (reads, saves);
    }

    // Large enough (about 400 KB) that writing takes long enough for saves to overlap.
    private static Linear Model(int version) => new(1000 + version, 100, new Generator((ulong)version));

    [Fact]
    public void Concurrent_checkpoint_saves_to_one_path_never_show_a_reader_a_partial_file()
    {
        // Before: Checkpoint.Save wrote path + ".tmp" and renamed it; concurrent saves threw and readers saw 0-byte files.
        var path = PathOf("model.ckpt");
        var models = Enumerable.Range(0, 4).Select(Model).ToArray();
        var (reads, saves) = Race(path,
            v => Checkpoint.Serialize(new CheckpointComponents(models[v]), v),
            v => Checkpoint.Save(path, new CheckpointComponents(models[v]), v),
            b => Assert.Equal("autograd-checkpoint", SafeTensors.Deserialize(b, "model.ckpt").Metadata["format"]));
        Assert.Equal(100, saves);
        Assert.True(reads >= 2, $"{reads} reads");
        Assert.Equal(["model.ckpt"], _dir.GetFiles().Select(f => f.Name));   // no temporary file left behind
    }

    [Fact]
    public void Concurrent_safetensors_saves_to_one_path_never_show_a_reader_a_partial_file()
    {
        var path = PathOf("w.safetensors");
        var states = Enumerable.Range(0, 4).Select(v => Model(v).StateDict()).ToArray();
        var (_, saves) = Race(path, v => SafeTensors.Serialize(states[v]), v => SafeTensors.Save(path, states[v]),
            b => Assert.Equal(2, SafeTensors.Deserialize(b, "w").Tensors.Count));
        Assert.Equal(100, saves);
        Assert.Equal(["w.safetensors"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void A_users_existing_ckpt_tmp_file_survives_a_checkpoint_save()
    {
        var path = PathOf("model.ckpt");
        File.WriteAllText(path + ".tmp", "the user's own file");
        Checkpoint.Save(path, new CheckpointComponents(Model(0)), 3);
        Assert.Equal("the user's own file", File.ReadAllText(path + ".tmp"));
        Assert.Equal("3", Checkpoint.Read(path).Metadata["epoch"]);
        Assert.Equal(["model.ckpt", "model.ckpt.tmp"], _dir.GetFiles().Select(f => f.Name).Order());
    }

    [Fact]
    public void SafeTensors_Save_replaces_the_file_instead_of_overwriting_it_in_place()
    {
        // Before: SafeTensors.Save truncated and rewrote the file, so a crash mid-write destroyed the old weights. Now the old
        // file is replaced by a rename: a handle opened on it before the save still reads the complete old bytes.
        var path = PathOf("w.safetensors");
        SafeTensors.Save(path, Model(0).StateDict());
        var old = File.ReadAllBytes(path);
        using var held = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        SafeTensors.Save(path, Model(1).StateDict());
        var seen = new byte[old.Length + 1];
        Assert.Equal(old.Length, held.ReadAtLeast(seen, seen.Length, throwOnEndOfStream: false));
        Assert.Equal(old, seen[..old.Length]);
        Assert.NotEqual(old, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_old_file_and_no_temporary_file()
    {
        var path = PathOf("h.csv");
        File.WriteAllText(path, "old");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new and half"u8);
            throw new InvalidOperationException("crash");
        }));
        Assert.Equal("crash", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["h.csv"], _dir.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void History_csv_and_json_are_written_through_the_atomic_path()
    {
        var h = new History();
        h.Add(new EpochRecord(1, 0.5, 0.75, double.NaN, double.NaN, 0.01, 1.0));
        var csv = PathOf("history.csv");
        File.WriteAllText(csv, "old");
        using var held = new FileStream(csv, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        h.SaveCsv(csv);
        h.SaveJson(PathOf("history.json"));
        Assert.Equal("old", new StreamReader(held).ReadToEnd());   // replaced by rename, not rewritten in place
        Assert.Equal(h.ToCsv(), File.ReadAllText(csv));
        Assert.Equal(h.ToJson(), File.ReadAllText(PathOf("history.json")));
        Assert.Equal(["history.csv", "history.json"], _dir.GetFiles().Select(f => f.Name).Order());
    }
}
