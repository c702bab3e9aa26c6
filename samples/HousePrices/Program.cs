// Predict a house's price from its size, bedrooms and bathrooms with the Backprop engine, on 932 real sales in
// Sacramento (samples/data/sacramento_housing.csv). Trains a network, shows its loss as it learns, compares it with
// ordinary least squares on the same held-out houses, saves and reloads the model, and prices a few example houses.
using System.Diagnostics;
using System.Globalization;
using Backprop;

string path = Path.Combine(AppContext.BaseDirectory, "data", "sacramento_housing.csv");
HouseSales sales = HouseSales.Load(path);
(HouseSales train, HouseSales test) = sales.Split(testFraction: 0.2, seed: 42);
FeatureScaler scaler = FeatureScaler.Fit(train.Features, HouseSales.FeatureNames.Length);

Console.WriteLine($"Sacramento house sales: {sales.Count} homes, price from {string.Join(", ", HouseSales.FeatureNames)}.");
Console.WriteLine($"Training on {train.Count}, testing on {test.Count} held-out homes.\n");

// Small tabular data: L-BFGS on the full batch (scikit-learn's choice there), a little L2, 15 % held out for early stopping.
var options = new MlpTrainerOptions
{
    HiddenLayers = [16],
    Optimizer = new LbfgsOptimizer(),
    L2Regularization = 0.03f,
    NumberOfEpochs = 300,
    ValidationFraction = 0.15f,
    EarlyStoppingPatience = 20,
    EpochCompleted = e =>
    {
        if (e.Epoch == 1 || e.Epoch % 20 == 0)
            Console.WriteLine($"  iteration {e.Epoch,3}  training loss {e.TrainingLoss:F4}  validation loss {e.ValidationLoss:F4}  validation R² {e.ValidationMetric:F3}");
    },
};

Console.WriteLine($"Training a 3-{string.Join("-", options.HiddenLayers)}-1 network (ReLU, L-BFGS; losses on standardised prices):");
var watch = Stopwatch.StartNew();
MultilayerPerceptron model = new MlpTrainer(options).Train(new TrainingData(scaler.Transform(train.Features), 3, train.Prices));
watch.Stop();
TrainingHistory history = model.History;
Console.WriteLine($"Stopped after {history.Epochs.Count} iterations ({history.StopReason}); kept the weights of iteration {history.BestEpoch} " +
                  $"({watch.Elapsed.TotalSeconds:F2} s).\n");

float[] testFeatures = scaler.Transform(test.Features);
var networkPrices = new float[test.Count];
model.Predict(testFeatures, networkPrices);
float[] leastSquaresPrices = LeastSquares.Fit(scaler.Transform(train.Features), train.Prices, 3).Predict(testFeatures);

Console.WriteLine("Held-out homes         R²      mean abs. error");
Console.WriteLine($"  Backprop network   {Report.RSquared(networkPrices, test.Prices),6:F3}   {Report.Dollars(Report.MeanAbsoluteError(networkPrices, test.Prices)),10}");
Console.WriteLine($"  Least squares      {Report.RSquared(leastSquaresPrices, test.Prices),6:F3}   {Report.Dollars(Report.MeanAbsoluteError(leastSquaresPrices, test.Prices)),10}\n");

string modelPath = Path.Combine(Path.GetTempPath(), "house-prices.bpm");
model.Save(modelPath);
MultilayerPerceptron reloaded = MultilayerPerceptron.Load(modelPath);
Console.WriteLine($"Saved the model to {modelPath} ({new FileInfo(modelPath).Length:N0} bytes) and loaded it back.\n");

Console.WriteLine("Example homes                        predicted price");
foreach ((float sqft, float beds, float baths) in new[] { (850f, 2f, 1f), (1400f, 3f, 2f), (2200f, 4f, 2.5f), (3500f, 5f, 3.5f) })
{
    float price = reloaded.Predict(scaler.Transform([sqft, beds, baths]))[0];
    Console.WriteLine($"  {sqft,5:N0} sq ft, {beds} beds, {baths,3} baths   {Report.Dollars(price),14}");
}

/// <summary>The sales table, reduced to the three features and the price.</summary>
internal sealed record HouseSales(float[] Features, float[] Prices)
{
    public static readonly string[] FeatureNames = ["sqft", "beds", "baths"];

    public int Count => Prices.Length;

    public static HouseSales Load(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        int[] columns = FeatureNames.Select(name => Array.IndexOf(header, name)).ToArray();
        int price = Array.IndexOf(header, "price");
        if (columns.Contains(-1) || price < 0)
            throw new InvalidDataException($"{path} must have the columns {string.Join(", ", FeatureNames)} and price.");
        string[][] rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        return new HouseSales(
            rows.SelectMany(r => columns.Select(c => float.Parse(r[c], CultureInfo.InvariantCulture))).ToArray(),
            rows.Select(r => float.Parse(r[price], CultureInfo.InvariantCulture)).ToArray());
    }

    public (HouseSales Train, HouseSales Test) Split(double testFraction, int seed)
    {
        int[] order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        int testCount = (int)(Count * testFraction);
        return (Take(order[testCount..]), Take(order[..testCount]));
    }

    private HouseSales Take(int[] rows) => new(
        rows.SelectMany(r => Features.Skip(r * FeatureNames.Length).Take(FeatureNames.Length)).ToArray(),
        rows.Select(r => Prices[r]).ToArray());
}

/// <summary>Standardises each feature with the training rows' mean and deviation.</summary>
internal sealed record FeatureScaler(double[] Means, double[] Deviations)
{
    public static FeatureScaler Fit(float[] features, int width)
    {
        int rows = features.Length / width;
        double[] means = new double[width], deviations = new double[width];
        for (int c = 0; c < width; c++)
        {
            means[c] = Enumerable.Range(0, rows).Average(r => features[r * width + c]);
            deviations[c] = Math.Sqrt(Enumerable.Range(0, rows).Average(r => Math.Pow(features[r * width + c] - means[c], 2)));
        }
        return new FeatureScaler(means, deviations);
    }

    public float[] Transform(float[] features) =>
        features.Select((v, i) => (float)((v - Means[i % Means.Length]) / Deviations[i % Means.Length])).ToArray();
}

/// <summary>Ordinary least squares with an intercept, the baseline every regression should beat.</summary>
internal sealed record LeastSquares(double[] Coefficients)
{
    public static LeastSquares Fit(float[] features, float[] targets, int width)
    {
        int d = width + 1;
        var system = new double[d, d + 1];
        for (int r = 0; r < targets.Length; r++)
        {
            double[] x = [1, .. features.Skip(r * width).Take(width).Select(v => (double)v)];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                    system[i, j] += x[i] * x[j];
                system[i, d] += x[i] * targets[r];
            }
        }
        for (int col = 0; col < d; col++) // Gauss–Jordan on the normal equations
            for (int row = 0; row < d; row++)
            {
                if (row == col)
                    continue;
                double factor = system[row, col] / system[col, col];
                for (int j = col; j <= d; j++)
                    system[row, j] -= factor * system[col, j];
            }
        return new LeastSquares(Enumerable.Range(0, d).Select(i => system[i, d] / system[i, i]).ToArray());
    }

    public float[] Predict(float[] features)
    {
        int width = Coefficients.Length - 1;
        return Enumerable.Range(0, features.Length / width)
            .Select(r => (float)(Coefficients[0] + Enumerable.Range(0, width).Sum(c => Coefficients[c + 1] * features[r * width + c])))
            .ToArray();
    }
}

internal static class Report
{
    public static double RSquared(float[] predicted, float[] actual)
    {
        double mean = actual.Average(v => (double)v);
        return 1 - actual.Select((a, i) => Math.Pow(a - predicted[i], 2)).Sum() / actual.Select(a => Math.Pow(a - mean, 2)).Sum();
    }

    public static double MeanAbsoluteError(float[] predicted, float[] actual) => actual.Select((a, i) => Math.Abs(a - predicted[i])).Average();

    public static string Dollars(double amount) => "$" + amount.ToString("N0", CultureInfo.InvariantCulture);
}
