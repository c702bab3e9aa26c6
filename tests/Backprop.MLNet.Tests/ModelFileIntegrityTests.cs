using System.Globalization;
using System.IO.Compression;
using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// What a saved model file guarantees. The same training saves the same bytes. Saved models damaged as a disk or a network damages them — truncated, bits flipped, count fields overwritten with
/// huge, zero and negative values — in the Backprop entry of the model zip, which is then re-packed so the zip itself
/// stays valid. Every damaged copy must, within a time limit, either be refused or load a model that predicts bit for bit
/// as the original (when the bytes hit carried nothing the model uses); never hang, crash or predict something else.
/// Damage to Backprop's checked block is refused with <see cref="InvalidDataException"/>, or with ML.NET's
/// <see cref="FormatException"/> where ML.NET's header already shows the entry is shorter than written. Damage to ML.NET's
/// own parts of the entry (its header, string table and the loader's assembly name) is refused the way ML.NET refuses
/// it: a <see cref="FormatException"/>, or an assembly-loading exception that names the damaged assembly name — but
/// never by a hang, a crash-type exception or a model that predicts something else.
/// </summary>
public class ModelFileIntegrityTests
{
    private const int Truncations = 200, BitFlips = 600, CountOverwrites = 200;
    private static readonly int[] CountValues = [0, -1, 1, 16392, 1 << 30, int.MaxValue, int.MinValue];
    // A load takes milliseconds; the limit only tells a hang from a slow machine, so it is generous.
    private static readonly TimeSpan LoadLimit = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void Every_damaged_copy_is_refused_as_damaged_or_predicts_exactly_as_the_original(LabelTask task)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TaskSetups.Dataset(task).Load(ml);
        var chain = ((IEnumerable<ITransformer>)TaskSetups.Pipeline(ml, task, o => o.HiddenLayers = [6], iterations: 2).Fit(data)).ToArray();
        IDataView featurized = chain[..^1].Aggregate(data, (view, transformer) => transformer.Transform(view));
        featurized = ml.Data.TakeRows(featurized, 20);

        byte[] zip;
        using (var saved = new MemoryStream())
        {
            ml.Model.Save(chain[^1], featurized.Schema, saved);
            zip = saved.ToArray();
        }
        (string entryName, byte[] entry) = BackpropEntry(zip);
        float[] expected = Scores(ml, zip, featurized);
        // The checked block: an 8-byte length and a 32-byte hash, then the network count and the first network's
        // length before its BPROPMLP signature.
        int blockStart = entry.AsSpan().IndexOf("BPROPMLP"u8) - 48;
        long blockEnd = blockStart + 40 + BitConverter.ToInt64(entry, blockStart);
        Assert.InRange(blockEnd, blockStart + 48, entry.Length);

        var random = new Random((int)task + 1);
        var outcomes = new Dictionary<string, int>();
        int mutation = 0;
        foreach (byte[] damaged in Mutations(entry, random))
        {
            // Damage is Backprop's to refuse when every changed byte lies in the block (ML.NET reads its own parts first).
            bool inBlock = damaged.Length < entry.Length
                ? damaged.Length >= blockStart
                : Enumerable.Range(0, entry.Length).Where(i => entry[i] != damaged[i]).All(i => i >= blockStart && i < blockEnd);
            string outcome = LoadAndScore(ml, Repack(zip, entryName, damaged), featurized, expected, inBlock);
            Assert.True(!outcome.StartsWith("FAIL", StringComparison.Ordinal),
                $"mutation {mutation} ({Describe(entry, damaged)}; the block is bytes {blockStart}–{blockEnd}): {outcome}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            mutation++;
        }
        Assert.Equal(Truncations + BitFlips + CountOverwrites, mutation);
        Assert.True(outcomes.GetValueOrDefault("refused") > mutation / 2, string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
    }

    [Fact]
    public void The_same_data_options_and_seed_save_the_same_bytes()
    {
        byte[] Saved()
        {
            var ml = new MLContext(seed: 1);
            IDataView data = TaskSetups.Dataset(LabelTask.Multiclass).Load(ml);
            var model = TaskSetups.Pipeline(ml, LabelTask.Multiclass, o => o.NumberOfModels = 2).Fit(data);
            using var saved = new MemoryStream();
            ml.Model.Save(model, data.Schema, saved);
            return BackpropEntry(saved.ToArray()).Bytes;
        }
        Assert.Equal(Saved(), Saved());
    }

    [Theory]
    [InlineData(LabelTask.Regression)]
    [InlineData(LabelTask.Binary)]
    [InlineData(LabelTask.Multiclass)]
    public void A_model_saved_by_an_earlier_version_loads_and_scores_bit_for_bit_as_it_did(LabelTask task)
    {
        string stem = Path.Combine(AppContext.BaseDirectory, "Resources", "EarlierModels", task.ToString().ToLowerInvariant());
        float[][] expected = File.ReadAllLines(stem + ".scores.txt")
            .Select(line => line.Split(' ').Select(bits => BitConverter.Int32BitsToSingle(int.Parse(bits, NumberStyles.HexNumber, CultureInfo.InvariantCulture))).ToArray())
            .ToArray();

        var ml = new MLContext();
        ITransformer model = ml.Model.Load(stem + ".zip", out _);
        float[][] scores = TaskSetups.Scores(model.Transform(ml.Data.TakeRows(TaskSetups.Dataset(task).Load(ml), 20)));

        Assert.Equal(expected, scores);
        var parameters = TaskSetups.Parameters(model);
        Assert.Equal(2, parameters.Networks.Count);
        Assert.Equal(FeatureScaling.Robust, parameters.FeatureScaling);
    }

    private static IEnumerable<byte[]> Mutations(byte[] entry, Random random)
    {
        for (int i = 0; i < Truncations; i++)
            yield return entry[..random.Next(entry.Length)];
        for (int i = 0; i < BitFlips; i++)
        {
            byte[] copy = (byte[])entry.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            yield return copy;
        }
        for (int i = 0; i < CountOverwrites; i++)
        {
            byte[] copy = (byte[])entry.Clone();
            BitConverter.GetBytes(CountValues[random.Next(CountValues.Length)]).CopyTo(copy, random.Next(copy.Length - 3));
            yield return copy;
        }
    }

    /// <summary>"refused", "identical", or "FAIL: …" for a hang, another exception or different predictions.</summary>
    private static string LoadAndScore(MLContext ml, byte[] zip, IDataView featurized, float[] expected, bool inBlock)
    {
        // On a thread of its own: the other tests' training keeps the thread pool busy, and a queued load could wait
        // its turn longer than the limit.
        var load = Task.Factory.StartNew(() => Scores(ml, zip, featurized), CancellationToken.None, TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            if (!load.Wait(LoadLimit))
                return $"FAIL: still loading after {LoadLimit.TotalSeconds} s";
        }
        catch (AggregateException e)
        {
            Exception error = e.InnerException!;
            // Outside the block, ML.NET reads its own header and the loader's assembly name, and refuses damage there
            // in its own ways (a FormatException; FileLoadException, FileNotFoundException or CultureNotFoundException
            // for a damaged assembly name).
            bool refused = !Chain(error).Any(IsCrash) && (!inBlock || Chain(error).Any(x => x is InvalidDataException or FormatException));
            return refused ? "refused" : $"FAIL: {string.Join(" | ", Chain(error).Select(x => $"{x.GetType().Name}: {x.Message}"))}";
        }
        return load.Result.AsSpan().SequenceEqual(expected) ? "identical" : "FAIL: loaded, but predicts differently";
    }

    private static bool IsCrash(Exception e) => e is OutOfMemoryException or NullReferenceException or IndexOutOfRangeException
        or AccessViolationException or StackOverflowException;

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            yield return e;
    }

    private static float[] Scores(MLContext ml, byte[] zip, IDataView featurized)
    {
        ITransformer model = ml.Model.Load(new MemoryStream(zip), out _);
        IDataView scored = model.Transform(featurized);
        return scored.Schema["Score"].Type is VectorDataViewType
            ? scored.GetColumn<float[]>("Score").SelectMany(s => s).ToArray()
            : scored.GetColumn<float>("Score").ToArray();
    }

    /// <summary>The zip entry that holds the Backprop model parameters: the one that contains an engine model file.</summary>
    private static (string Name, byte[] Bytes) BackpropEntry(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        foreach (var entry in archive.Entries)
        {
            byte[] bytes = Read(entry);
            if (bytes.AsSpan().IndexOf("BPROPMLP"u8) >= 0)
                return (entry.FullName, bytes);
        }
        throw new InvalidOperationException("No entry of the saved model holds a Backprop network.");
    }

    private static byte[] Repack(byte[] zip, string entryName, byte[] replacement)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var stream = target.CreateEntry(entry.FullName).Open();
                stream.Write(entry.FullName == entryName ? replacement : Read(entry));
            }
        }
        return output.ToArray();
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Describe(byte[] original, byte[] damaged)
    {
        if (damaged.Length != original.Length)
            return $"truncated to {damaged.Length} of {original.Length} bytes";
        int first = original.AsSpan().CommonPrefixLength(damaged);
        return $"bytes from {first} of {original.Length} changed";
    }
}
