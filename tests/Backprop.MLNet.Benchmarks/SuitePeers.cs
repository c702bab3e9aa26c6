using System.Text.Json;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Results of outside peers on the suite's folds (<c>peers.json</c>, written by <c>peers/suite_peers.py</c>): for each
/// dataset and peer, the ranking metric on every fold and the seconds each fit took.
/// </summary>
internal sealed record SuitePeers(IReadOnlyDictionary<string, IReadOnlyList<SuitePeers.Peer>> Datasets)
{
    /// <param name="Name">The peer's name in the tables, e.g. "scikit-learn MLP (64, 32)".</param>
    /// <param name="Primary">The task's ranking metric on each fold.</param>
    /// <param name="FitSeconds">Each fold's fit time.</param>
    /// <param name="Error">Why the peer failed, or <see langword="null"/>.</param>
    public sealed record Peer(string Name, double[] Primary, double[] FitSeconds, string? Error);

    public static SuitePeers Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"--peers: '{path}' does not exist; run peers/suite_peers.py on the suite's folds first.", path);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var datasets = new Dictionary<string, IReadOnlyList<Peer>>();
        foreach (var dataset in document.RootElement.GetProperty("datasets").EnumerateObject())
        {
            datasets[dataset.Name] = dataset.Value.EnumerateArray().Select(p => new Peer(
                p.GetProperty("name").GetString()!,
                p.GetProperty("primary").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray(),
                p.GetProperty("fitSeconds").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                p.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null)).ToArray();
        }
        return new SuitePeers(datasets);
    }
}
