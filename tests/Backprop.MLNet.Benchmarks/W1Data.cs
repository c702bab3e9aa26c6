using System.Globalization;
using System.Text;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Workload W1 (docs/benchmarks.md): x ~ N(0, 1) with 64 features and
/// y = sin(2·x0) + x1·x2 + tanh(x3 − x4) + 0.5·(x5² − 1) + 0.5·|x6| + Σ_j a_j·x_j + 0.1·ε, a_j = 0.2·cos(j), ε ~ N(0, 1).
/// </summary>
internal static class W1Data
{
    public const int FeatureCount = 64;
    public const int TrainRows = 100_000;
    public const int TestRows = 20_000;

    /// <summary>Draws <paramref name="rows"/> rows, row-major features and their labels, from a seeded source.</summary>
    public static (float[] Features, float[] Labels) Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * FeatureCount];
        var y = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            Span<float> row = x.AsSpan(i * FeatureCount, FeatureCount);
            for (int j = 0; j < FeatureCount; j++)
                row[j] = (float)Normal(random);
            double value = Math.Sin(2 * row[0]) + row[1] * row[2] + Math.Tanh(row[3] - row[4])
                + 0.5 * (row[5] * row[5] - 1) + 0.5 * Math.Abs(row[6]) + 0.1 * Normal(random);
            for (int j = 0; j < FeatureCount; j++)
                value += 0.2 * Math.Cos(j) * row[j];
            y[i] = (float)value;
        }
        return (x, y);
    }

    /// <summary>Writes train.csv and test.csv (columns x0..x63, y) into <paramref name="folder"/>.</summary>
    public static void Write(string folder, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        var (trainX, trainY) = Generate(TrainRows, seed);
        var (testX, testY) = Generate(TestRows, seed + 1);
        WriteCsv(Path.Combine(folder, "train.csv"), trainX, trainY);
        WriteCsv(Path.Combine(folder, "test.csv"), testX, testY);
    }

    private static void WriteCsv(string path, float[] features, float[] labels)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(string.Join(',', Enumerable.Range(0, FeatureCount).Select(j => $"x{j}")) + ",y");
        var line = new StringBuilder();
        for (int i = 0; i < labels.Length; i++)
        {
            line.Clear();
            for (int j = 0; j < FeatureCount; j++)
                line.Append(features[i * FeatureCount + j].ToString("R", CultureInfo.InvariantCulture)).Append(',');
            line.Append(labels[i].ToString("R", CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }

    // Box–Muller: two uniforms to one standard normal.
    private static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
