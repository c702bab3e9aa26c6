using Backprop;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Samples;

/// <summary>
/// Shows a Backprop trainer's epochs in place as they finish: the epoch, both losses, the best validation loss so far
/// and a sparkline of the validation loss. Hand <see cref="EpochCompleted"/> to the trainer's options and call
/// <see cref="Run{T}"/> around the training. Where the output is not a terminal (redirected to a file or a test), it
/// prints a plain line every 10 epochs instead.
/// </summary>
internal sealed class LiveTraining
{
    private const string Bars = "▁▂▃▄▅▆▇█";
    private string _title;
    private readonly List<List<EpochRecord>> _runs;
    private List<EpochRecord> _epochs = [];
    private LiveDisplayContext? _context;

    public LiveTraining(string title)
    {
        _title = title;
        _runs = [_epochs];
    }

    /// <summary>
    /// The epochs seen, one list per run: the early-stopping run, and the refit on every row when the options ask
    /// for one (its history is all the model keeps, and it has no validation losses).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<EpochRecord>> Runs => _runs;

    /// <summary>Give this to the options' <c>EpochCompleted</c>.</summary>
    public void EpochCompleted(EpochRecord record)
    {
        // A refit on every row (RefitOnAllRows) numbers its epochs from 1 again.
        if (_epochs.Count > 0 && record.Epoch <= _epochs[^1].Epoch)
        {
            _epochs = [];
            _runs.Add(_epochs);
            _title += " — training again on every row for the chosen epochs";
            if (!AnsiConsole.Profile.Capabilities.Interactive)
                Console.WriteLine("  training again on every row for the chosen epochs");
        }
        _epochs.Add(record);
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            if (record.Epoch % 10 == 0)
                Console.WriteLine($"  epoch {record.Epoch,3}: training loss {record.TrainingLoss:F4}" +
                    (record.ValidationLoss is { } v ? $", validation loss {v:F4}" : ""));
        }
        else if (_context is not null)
        {
            _context.UpdateTarget(Render());
            _context.Refresh();
        }
    }

    /// <summary>Runs <paramref name="train"/> with the display live; leaves its last state on screen.</summary>
    public T Run<T>(Func<T> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            Console.WriteLine($"{_title}:");
            return train();
        }
        T result = default!;
        AnsiConsole.Live(Render()).Start(context =>
        {
            _context = context;
            result = train();
            context.UpdateTarget(Render());
        });
        _context = null;
        return result;
    }

    private IRenderable Render()
    {
        if (_epochs.Count == 0)
            return new Markup($"[bold]{Markup.Escape(_title)}[/]: starting…");
        var last = _epochs[^1];
        var validated = _epochs.Where(e => e.ValidationLoss.HasValue).ToList();
        string best = validated.Count > 0
            ? $"best validation loss {validated.Min(e => e.ValidationLoss!.Value):F4} at epoch {validated.MinBy(e => e.ValidationLoss!.Value)!.Epoch}"
            : "";
        return new Rows(
            new Markup($"[bold]{Markup.Escape(_title)}[/]: epoch {last.Epoch,3}  training loss {last.TrainingLoss:F4}" +
                (last.ValidationLoss is { } v ? $"  validation loss {v:F4}" : "") + $"  {best}"),
            new Markup($"  validation loss [green]{Sparkline(validated.Select(e => e.ValidationLoss!.Value).ToList())}[/]"));
    }

    // The last 50 values as block characters, lowest ▁ to highest █.
    private static string Sparkline(List<double> values)
    {
        var tail = values.Skip(Math.Max(0, values.Count - 50)).ToList();
        if (tail.Count == 0)
            return "";
        double low = tail.Min(), high = tail.Max();
        return string.Concat(tail.Select(v => Bars[high > low ? (int)Math.Round((v - low) / (high - low) * (Bars.Length - 1)) : 0]));
    }
}
