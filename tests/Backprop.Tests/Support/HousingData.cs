using System.Globalization;

namespace Backprop.Tests.Support;

/// <summary>The Sacramento house sales shipped in samples/data, as price from (sqft, beds, baths).</summary>
internal static class HousingData
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "data", "sacramento_housing.csv");

    /// <summary>Reads the file and splits it 80/20 with a fixed shuffle; features are standardised on the training part.</summary>
    public static (TrainingData Train, TrainingData Test) LoadSplit(int seed = 42)
    {
        string[] lines = File.ReadAllLines(Path);
        string[] header = lines[0].Split(',');
        int sqft = Array.IndexOf(header, "sqft"), beds = Array.IndexOf(header, "beds"), baths = Array.IndexOf(header, "baths"), price = Array.IndexOf(header, "price");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        new Random(seed).Shuffle(rows);

        int trainCount = (int)(rows.Length * 0.8);
        float[] X(string[][] part) => part.SelectMany(f => new[] { f[sqft], f[beds], f[baths] }.Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        float[] Y(string[][] part) => part.Select(f => float.Parse(f[price], CultureInfo.InvariantCulture)).ToArray();
        float[] trainX = X(rows[..trainCount]), testX = X(rows[trainCount..]);
        Standardise(trainX, testX, 3);
        return (new TrainingData(trainX, 3, Y(rows[..trainCount])), new TrainingData(testX, 3, Y(rows[trainCount..])));
    }

    public static void Standardise(float[] train, float[] test, int width)
    {
        for (int c = 0; c < width; c++)
        {
            var column = Enumerable.Range(0, train.Length / width).Select(r => (double)train[r * width + c]).ToArray();
            double mean = column.Average();
            double sd = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            for (int i = c; i < train.Length; i += width)
                train[i] = (float)((train[i] - mean) / sd);
            for (int i = c; i < test.Length; i += width)
                test[i] = (float)((test[i] - mean) / sd);
        }
    }

    public static double RSquared(float[] predictions, float[] targets)
    {
        double mean = targets.Average(v => (double)v);
        double residual = targets.Select((t, i) => Math.Pow(t - predictions[i], 2)).Sum();
        double total = targets.Select(t => Math.Pow(t - mean, 2)).Sum();
        return 1 - residual / total;
    }

    /// <summary>Ordinary least squares with an intercept, by the normal equations in float64.</summary>
    public static Func<float[], float[]> FitLeastSquares(TrainingData data)
    {
        int d = data.FeatureCount + 1;
        var a = new double[d, d + 1];
        for (int r = 0; r < data.RowCount; r++)
        {
            var x = new double[d];
            x[0] = 1;
            for (int c = 1; c < d; c++)
                x[c] = data.Features[r * data.FeatureCount + c - 1];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                    a[i, j] += x[i] * x[j];
                a[i, d] += x[i] * data.Labels[r];
            }
        }
        for (int col = 0; col < d; col++)
        {
            int pivot = Enumerable.Range(col, d - col).MaxBy(r => Math.Abs(a[r, col]));
            for (int j = 0; j <= d; j++)
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            for (int r = 0; r < d; r++)
            {
                if (r == col)
                    continue;
                double f = a[r, col] / a[col, col];
                for (int j = 0; j <= d; j++)
                    a[r, j] -= f * a[col, j];
            }
        }
        double[] beta = Enumerable.Range(0, d).Select(i => a[i, d] / a[i, i]).ToArray();
        int width = data.FeatureCount;
        return features => Enumerable.Range(0, features.Length / width)
            .Select(r => (float)(beta[0] + Enumerable.Range(0, width).Sum(c => beta[c + 1] * features[r * width + c]))).ToArray();
    }
}
