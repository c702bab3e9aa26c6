using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// How much memory an ML.NET fit needs beside its data: trains Backprop for one epoch on a lazily generated
/// <see cref="IDataView"/> (rows produced as the trainer reads them, so the view cannot say its row count and no copy
/// of the data exists before the trainer makes one) and prints the peak working set above the process's before the
/// fit, as a multiple of the data's floats. Ends with one line:
/// <c>RESULT rows=… features=… data_mb=… peak_above_start_mb=… ratio=…</c>.
/// </summary>
internal static class TrainingMemoryCommand
{
    public sealed record Settings(int Rows, int Features);

    public static int Run(Settings settings, TextWriter output)
    {
        if (settings.Rows < 1 || settings.Features < 1)
            throw new ArgumentException("--rows and --features must be at least 1.");
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(GeneratedRows.Row));
        schema[nameof(GeneratedRows.Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, settings.Features);
        IDataView data = ml.Data.LoadFromEnumerable(GeneratedRows.Generate(settings.Rows, settings.Features), schema);
        var trainer = ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options
        {
            HiddenLayers = [16], NumberOfIterations = 1, BatchSize = 256, Seed = 1,
        });

        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64;
        var watch = Stopwatch.StartNew();
        trainer.Fit(data);
        process.Refresh();
        double dataMb = (double)settings.Rows * settings.Features * sizeof(float) / (1 << 20);
        double peakAboveMb = (process.PeakWorkingSet64 - before) / (double)(1 << 20);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fit in {watch.Elapsed.TotalSeconds:F1} s; working set before {before / (double)(1 << 20):F0} MB, peak {process.PeakWorkingSet64 / (double)(1 << 20):F0} MB"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT rows={settings.Rows} features={settings.Features} data_mb={dataMb:F0} peak_above_start_mb={peakAboveMb:F0} ratio={peakAboveMb / dataMb:F2}"));
        return 0;
    }
}
