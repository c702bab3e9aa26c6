using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Support;

/// <summary>
/// A CSV with a header, loaded with every column Single except the named categorical (text) ones, and the
/// standard featurization in front of a trainer: missing numbers replaced by the mean, categories one-hot,
/// everything concatenated into "Features" and normalised to mean 0, variance 1.
/// </summary>
internal sealed record TabularDataset(string Name, string Path, string Label, string[] Categorical, string[] Excluded)
{
    /// <summary>The folder of the shared datasets, or null where it is absent.</summary>
    public static string? SharedFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = System.IO.Path.Combine(dir.FullName, "shared", "datasets");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            return null;
        }
    }

    public static TabularDataset Sacramento => new("sacramento_housing",
        System.IO.Path.Combine(AppContext.BaseDirectory, "data", "sacramento_housing.csv"), "price", ["city", "zip", "type"], []);

    /// <summary>A dataset from the shared folder, or null (with the reason) where the folder is absent.</summary>
    public static TabularDataset? Shared(string file, string label, string[]? categorical = null, string[]? excluded = null)
    {
        string? folder = SharedFolder;
        if (folder is null)
            return null;
        return new TabularDataset(System.IO.Path.GetFileNameWithoutExtension(file), System.IO.Path.Combine(folder, file), label,
            categorical ?? [], excluded ?? []);
    }

    public const string SharedMissing = "../shared/datasets is absent on this machine; it holds the GitHub-sourced datasets that may not be copied into the repository.";

    public string[] Header => File.ReadLines(Path).First().Split(',');

    public string[] NumericFeatures => Header.Where(c => c != Label && !Categorical.Contains(c) && !Excluded.Contains(c)).ToArray();

    public IDataView Load(MLContext ml)
    {
        var columns = Header.Select((name, index) => new TextLoader.Column(name,
            Categorical.Contains(name) ? DataKind.String : DataKind.Single, index)).ToArray();
        return ml.Data.LoadFromTextFile(Path, new TextLoader.Options
        {
            Columns = columns,
            HasHeader = true,
            Separators = [','],
            MissingRealsAsNaNs = true,
        });
    }

    /// <summary>Replace missing numbers, one-hot the categories, concatenate into "Features" and normalise.</summary>
    public IEstimator<ITransformer> Featurizer(MLContext ml)
    {
        string[] numeric = NumericFeatures;
        IEstimator<ITransformer> pipeline = ml.Transforms.ReplaceMissingValues(numeric.Select(c => new InputOutputColumnPair(c)).ToArray());
        if (Categorical.Length > 0)
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(Categorical.Select(c => new InputOutputColumnPair(c)).ToArray()));
        return pipeline
            .Append(ml.Transforms.Concatenate("Features", [.. numeric, .. Categorical]))
            .Append(ml.Transforms.NormalizeMeanVariance("Features", fixZero: Environment.GetEnvironmentVariable("FIXZERO") != "0"));
    }

    public override string ToString() => Name;
}
