using Microsoft.ML.Runtime;

namespace Backprop.MLNet.Internal;

/// <summary>
/// Reports a training run through ML.NET's host: one line per epoch on the channel (so it reaches
/// <c>mlContext.Log</c>), epoch progress and the latest losses on a progress channel, and cancellation by
/// <c>MLContext.CancelExecution()</c>, checked after every epoch.
/// </summary>
internal sealed class TrainingProgress : IDisposable
{
    private readonly IHost _host;
    private readonly IChannel _channel;
    private readonly IProgressChannel _progress;
    private readonly EpochRecord?[] _lastOfMember;
    private EpochRecord? _last;

    public TrainingProgress(IHost host, IChannel channel, int plannedEpochs, int members)
    {
        _lastOfMember = new EpochRecord?[members];
        _host = host;
        _channel = channel;
        _progress = host.StartProgressChannel("Backprop training");
        _progress.SetHeader(new ProgressHeader(["training loss", "validation loss"], ["epochs"]), entry =>
        {
            if (_last is not { } last)
                return;
            entry.SetProgress(0, last.Epoch, plannedEpochs);
            entry.SetMetric(0, last.TrainingLoss);
            entry.SetMetric(1, last.ValidationLoss ?? double.NaN);
        });
    }

    /// <summary>Reports an epoch of ensemble member <paramref name="member"/> (0 for a single network).</summary>
    public void EpochCompleted(int member, EpochRecord record)
    {
        string who = Who(member, _lastOfMember.Length);
        // The engine numbers a refit on every row (RefitOnAllRows) from the start again.
        if (_lastOfMember[member] is { } previous && record.Epoch <= previous.Epoch)
            _channel.Info($"{who}Training again on every row for the epoch count early stopping chose.");
        _lastOfMember[member] = record;
        _last = record;
        _channel.Info(
            $"{who}Epoch {record.Epoch}: training loss {record.TrainingLoss:G6}" +
            (record.ValidationLoss is { } v ? $", validation loss {v:G6}" : "") +
            (record.ValidationMetric is { } m ? $", validation metric {m:G6}" : "") +
            $", learning rate {record.LearningRate:G4}, {record.Seconds:F3} s" +
            (record.Diagnostics is { } d ? $", gradient RMS {GradientProfile(d)}" : ""));
        foreach (TrainingWarning warning in record.Warnings)
            _channel.Warning($"{who}{warning.Message}");
        _host.CheckAlive();
    }

    public void Completed(MlpEnsemble ensemble)
    {
        for (int m = 0; m < ensemble.Members.Count; m++)
        {
            TrainingHistory history = ensemble.Members[m].History;
            string best = history.BestEpoch is { } b ? $"; kept the weights of epoch {b}" : "";
            if (history.StopReason == StopReason.Refitted)
                best = "; trained on every row";
            _channel.Info($"{Who(m, ensemble.Members.Count)}Backprop training stopped after epoch {history.Epochs[^1].Epoch}: {history.StopReason}{best}.");
        }
    }

    // Each layer's weight-gradient RMS, first to output: vanishing or exploding gradients show as orders of magnitude.
    private static string GradientProfile(EpochDiagnostics diagnostics) =>
        string.Join(" / ", diagnostics.Layers.Select(l => l.GradientRms.ToString("G2", System.Globalization.CultureInfo.InvariantCulture)));

    // Names the network of an ensemble at the start of a line; nothing for a single network.
    private static string Who(int member, int members) => members > 1 ? $"Network {member + 1} of {members}: " : "";

    public void Dispose() => _progress.Dispose();
}
