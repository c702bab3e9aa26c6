using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Support;

/// <summary>What a dataset's label is for, which fixes how it is loaded.</summary>
public enum LabelTask
{
    /// <summary>A Single label.</summary>
    Regression,

    /// <summary>A 0/1 column loaded as Boolean.</summary>
    Binary,

    /// <summary>Class values loaded as text and mapped to keys by the featurizer.</summary>
    Multiclass,
}

/// <summary>
/// A CSV with a header, loaded with every column Single except the named categorical (text) ones and the label (see
/// <see cref="LabelTask"/>), and the standard featurization in front of a trainer: missing numbers replaced by the
/// mean, categories one-hot, everything concatenated into "Features" and normalised to mean 0, variance 1; a
/// multiclass label mapped to keys.
/// </summary>
internal sealed record TabularDataset(string Name, string Path, string Label, string[] Categorical, string[] Excluded,
    LabelTask Task = LabelTask.Regression)
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

    public static TabularDataset Sacramento => Shipped("sacramento_housing.csv", "price", ["city", "zip", "type"]);

    public static TabularDataset BreastCancer => Shipped("breast_cancer_wisconsin_diagnostic.csv", "malignant", task: LabelTask.Binary);

    public static TabularDataset Iris => Shipped("iris.csv", "species", task: LabelTask.Multiclass);

    public static TabularDataset Digits => Shipped("digits_8x8.csv", "digit", task: LabelTask.Multiclass);

    /// <summary>A dataset copied into the repository (samples/data) and into the test output's data folder.</summary>
    public static TabularDataset Shipped(string file, string label, string[]? categorical = null, LabelTask task = LabelTask.Regression)
        => new(System.IO.Path.GetFileNameWithoutExtension(file), System.IO.Path.Combine(AppContext.BaseDirectory, "data", file), label,
            categorical ?? [], [], task);

    /// <summary>A dataset from the shared folder, or null (with the reason) where the folder is absent.</summary>
    public static TabularDataset? Shared(string file, string label, string[]? categorical = null, string[]? excluded = null,
        LabelTask task = LabelTask.Regression)
    {
        string? folder = SharedFolder;
        if (folder is null)
            return null;
        return new TabularDataset(System.IO.Path.GetFileNameWithoutExtension(file), System.IO.Path.Combine(folder, file), label,
            categorical ?? [], excluded ?? [], task);
    }

    public const string SharedMissing = "../shared/datasets is absent on this machine; it holds the GitHub-sourced datasets that may not be copied into the repository.";

    public string[] Header => File.ReadLines(Path).First().Split(',');

    public string[] NumericFeatures => Header.Where(c => c != Label && !Categorical.Contains(c) && !Excluded.Contains(c)).ToArray();

    public IDataView Load(MLContext ml)
    {
        var columns = Header.Select((name, index) => new TextLoader.Column(name, Kind(name), index)).ToArray();
        return ml.Data.LoadFromTextFile(Path, new TextLoader.Options
        {
            Columns = columns,
            HasHeader = true,
            Separators = [','],
            MissingRealsAsNaNs = true,
        });
    }

    private DataKind Kind(string column) => column == Label
        ? Task switch { LabelTask.Binary => DataKind.Boolean, LabelTask.Multiclass => DataKind.String, _ => DataKind.Single }
        : Categorical.Contains(column) ? DataKind.String : DataKind.Single;

    /// <summary>Replace missing numbers, one-hot the categories, concatenate into "Features" and normalise.</summary>
    public IEstimator<ITransformer> Featurizer(MLContext ml)
    {
        string[] numeric = NumericFeatures;
        IEstimator<ITransformer> pipeline = ml.Transforms.ReplaceMissingValues(numeric.Select(c => new InputOutputColumnPair(c)).ToArray());
        if (Task == LabelTask.Multiclass)
            pipeline = pipeline.Append(ml.Transforms.Conversion.MapValueToKey(Label));
        if (Categorical.Length > 0)
            pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(Categorical.Select(c => new InputOutputColumnPair(c)).ToArray()));
        return pipeline
            .Append(ml.Transforms.Concatenate("Features", [.. numeric, .. Categorical]))
            .Append(ml.Transforms.NormalizeMeanVariance("Features"));
    }

    public override string ToString() => Name;
}
