using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// A CSV file made ready for a comparison: its columns' kinds inferred from the values, the task inferred from the
/// label when not given, every problem found up front with a message that names the column and the fix, the data
/// loaded as an <see cref="IDataView"/>, and the featurization that turns it into a "Label" and a normalised
/// "Features" column.
/// </summary>
/// <remarks>
/// Inference: a column whose every present value is a number is numeric; other columns are categorical when they have
/// at most 100 distinct values, free text when their values average three or more words or have more distinct values,
/// and left out as identifiers when every one of at least 20 values differs and is under three words. Columns with no
/// values, or the same value in every row, are left out too (a column that is constant where present but sometimes
/// missing is kept: its missing flag may inform). The task: a numeric label with exactly
/// two values is binary classification, any other numeric label regression, a text label with two values binary and
/// with more multiclass. Pass the task to override it (a numeric label of a few integer grades as classes, say).
/// </remarks>
public sealed class TabularData
{
    /// <summary>The most distinct values a text column may have and still be one-hot encoded.</summary>
    public const int MaxCategories = 100;

    /// <summary>The fewest rows in which a text column whose every value differs counts as an identifier.</summary>
    public const int MinRowsForIdentifier = 20;

    /// <summary>The most classes a multiclass label may have.</summary>
    public const int MaxClasses = 100;

    private readonly bool _numericLabel;

    private TabularData(string path, string labelColumn, PredictionTask task, bool taskInferred, bool numericLabel, int rowCount,
        IReadOnlyList<FeatureColumn> features, IReadOnlyList<IgnoredColumn> ignored, IReadOnlyList<string> classes, IDataView data,
        string labelOutput)
    {
        Path = path;
        LabelColumn = labelColumn;
        Task = task;
        TaskInferred = taskInferred;
        _numericLabel = numericLabel;
        RowCount = rowCount;
        Features = features;
        Ignored = ignored;
        Classes = classes;
        Data = data;
        LabelColumnName = labelOutput;
    }

    /// <summary>The file the data came from.</summary>
    public string Path { get; }

    /// <summary>The label column's name in the file.</summary>
    public string LabelColumn { get; }

    /// <summary>The task: given, or inferred from the label (see <see cref="TaskInferred"/>).</summary>
    public PredictionTask Task { get; }

    /// <summary>Whether <see cref="Task"/> was inferred from the label rather than given.</summary>
    public bool TaskInferred { get; }

    /// <summary>The number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns that make up the features, in file order.</summary>
    public IReadOnlyList<FeatureColumn> Features { get; }

    /// <summary>The columns left out, with the reason.</summary>
    public IReadOnlyList<IgnoredColumn> Ignored { get; }

    /// <summary>
    /// Classification: the label's values, as written in the file. Binary: the negative class, then the positive one
    /// (<c>1</c>, <c>true</c>, <c>yes</c> and the like when present, else the rarer value). Multiclass: every class in
    /// key order. Empty for regression.
    /// </summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The rows as ML.NET loads them: each used column by its header name (numbers as Single, others as text).</summary>
    public IDataView Data { get; }

    /// <summary>The column the featurizer writes the label to: "Label" (Single, Boolean or a key, by task), unless a feature has that name.</summary>
    public string LabelColumnName { get; }

    /// <summary>The column the featurizer writes the features to: a normalised vector of Single.</summary>
    public const string FeatureColumnName = "Features";

    /// <summary>
    /// Reads and checks a CSV file with a header line.
    /// </summary>
    /// <param name="ml">The context that loads the data.</param>
    /// <param name="path">The file: comma-, semicolon- or tab-separated, with a header line; quotes honoured.</param>
    /// <param name="labelColumn">The header name of the column to predict.</param>
    /// <param name="task">The task, or <see langword="null"/> (the default) to infer it from the label.</param>
    /// <param name="ignoreColumns">Header names of columns to leave out; default none.</param>
    /// <exception cref="ComparisonInputException">The file, the label or a column cannot work; the message says why and how to fix it.</exception>
    public static TabularData LoadCsv(MLContext ml, string path, string labelColumn, PredictionTask? task = null,
        IEnumerable<string>? ignoreColumns = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(labelColumn);
        CsvTable table = CsvTable.Read(path);
        string[] header = table.Header;

        int labelIndex = Array.IndexOf(header, labelColumn);
        if (labelIndex < 0)
            throw new ComparisonInputException(
                $"The label column '{labelColumn}' is not in '{path}'. Its columns are: {string.Join(", ", header)}; name one of them as the label.");
        var ignore = new HashSet<string>(ignoreColumns ?? []);
        foreach (string name in ignore)
        {
            if (name == labelColumn)
                throw new ComparisonInputException($"'{name}' is the label column and cannot also be ignored.");
            if (Array.IndexOf(header, name) < 0)
                throw new ComparisonInputException($"The column '{name}' to ignore is not in '{path}'. Its columns are: {string.Join(", ", header)}.");
        }

        var (labelTask, numericLabel, classes) = ColumnInference.InspectLabel(table, labelIndex, task);

        var features = new List<FeatureColumn>();
        var ignored = new List<IgnoredColumn>();
        var loaderColumns = new List<TextLoader.Column>();
        for (int j = 0; j < header.Length; j++)
        {
            if (j == labelIndex)
            {
                loaderColumns.Add(new TextLoader.Column(header[j], TaskProfile.For(labelTask).LabelKind(numericLabel), j));
                continue;
            }
            if (ignore.Contains(header[j]))
            {
                ignored.Add(new IgnoredColumn(header[j], "left out as asked"));
                continue;
            }
            var column = ColumnInference.InspectFeature(table, j, out string? reason);
            if (column is null)
            {
                ignored.Add(new IgnoredColumn(header[j], reason!));
                continue;
            }
            features.Add(column);
            loaderColumns.Add(new TextLoader.Column(header[j], column.Kind == FeatureKind.Numeric ? DataKind.Single : DataKind.String, j));
        }
        if (features.Count == 0)
            throw new ComparisonInputException(
                $"'{path}' has no usable feature column besides the label '{labelColumn}'" +
                (ignored.Count > 0 ? $" ({string.Join("; ", ignored.Select(c => $"{c.Name}: {c.Reason}"))})" : "") +
                "; a model needs at least one column that varies.");

        IDataView data = ml.Data.LoadFromTextFile(path, new TextLoader.Options
        {
            Columns = loaderColumns.ToArray(),
            HasHeader = true,
            Separators = [table.Separator],
            AllowQuoting = true,
            TrimWhitespace = true,
            MissingRealsAsNaNs = true,
        });
        string labelOutput = features.Any(f => f.Name == "Label") ? "Label_" : "Label";
        bool inferred = task is null;
        return new TabularData(path, labelColumn, labelTask, inferred, numericLabel, table.Rows.Count, features, ignored, classes, data, labelOutput);
    }

    /// <summary>
    /// The featurization every candidate trainer gets, fitted on each fold's training rows: the label mapped to
    /// <see cref="LabelColumnName"/> (Single; Boolean with the positive class true; a key over <see cref="Classes"/>),
    /// missing numbers replaced by the mean and flagged, categories one-hot, text featurized, all concatenated into
    /// <see cref="FeatureColumnName"/> and normalised to mean 0 and variance 1.
    /// </summary>
    public IEstimator<ITransformer> Featurizer(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var parts = new List<string>();
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        foreach (var column in Features)
        {
            switch (column.Kind)
            {
                case FeatureKind.Numeric when column.MissingCount > 0:
                    string flag = column.Name + "_missing";
                    pipeline = pipeline
                        .Append(ml.Transforms.IndicateMissingValues(flag, column.Name))
                        .Append(ml.Transforms.Conversion.ConvertType(flag, outputKind: DataKind.Single))
                        .Append(ml.Transforms.ReplaceMissingValues(column.Name));
                    parts.Add(column.Name);
                    parts.Add(flag);
                    break;
                case FeatureKind.Numeric:
                    parts.Add(column.Name);
                    break;
                case FeatureKind.Categorical:
                    pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(column.Name));
                    parts.Add(column.Name);
                    break;
                default:
                    pipeline = pipeline.Append(ml.Transforms.Text.FeaturizeText(column.Name));
                    parts.Add(column.Name);
                    break;
            }
        }
        pipeline = pipeline
            .Append(ml.Transforms.Concatenate(FeatureColumnName, parts.ToArray()))
            .Append(ml.Transforms.NormalizeMeanVariance(FeatureColumnName));
        return pipeline.Append(TaskProfile.For(Task).LabelMapping(ml, LabelColumnName, LabelColumn, Classes, _numericLabel));
    }

    /// <summary>Lines for a report: the task, the label, each feature column's treatment and the columns left out.</summary>
    public IReadOnlyList<string> DescribeFeaturization()
    {
        var lines = new List<string>
        {
            $"{RowCount:N0} rows; task {TaskName(Task)} ({(TaskInferred ? "inferred from the label" : "as given")}); label '{LabelColumn}'" +
                TaskProfile.For(Task).DescribeClasses(Classes),
        };
        lines.AddRange(Features.Select(f => f.Describe()));
        lines.AddRange(Ignored.Select(c => $"{c.Name}: not used ({c.Reason})"));
        lines.Add($"all features concatenated into '{FeatureColumnName}' and normalised to mean 0, variance 1 (NormalizeMeanVariance)");
        return lines;
    }

    /// <summary>The task's name on the command line: regression, binary or multiclass.</summary>
    public static string TaskName(PredictionTask task) => TaskProfile.For(task).Name;
}
