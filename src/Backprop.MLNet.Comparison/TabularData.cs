using System.Globalization;
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

    private static readonly string[] MissingTokens = ["", "?", "NA", "N/A", "NaN", "null", "None"];
    private static readonly string[] PositiveTokens = ["1", "true", "yes", "y", "t", "positive", "pos"];

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

        var (labelTask, numericLabel, classes) = InspectLabel(table, labelIndex, task);

        var features = new List<FeatureColumn>();
        var ignored = new List<IgnoredColumn>();
        var loaderColumns = new List<TextLoader.Column>();
        for (int j = 0; j < header.Length; j++)
        {
            if (j == labelIndex)
            {
                bool single = labelTask == PredictionTask.Regression || (labelTask == PredictionTask.BinaryClassification && numericLabel);
                loaderColumns.Add(new TextLoader.Column(header[j], single ? DataKind.Single : DataKind.String, j));
                continue;
            }
            if (ignore.Contains(header[j]))
            {
                ignored.Add(new IgnoredColumn(header[j], "left out as asked"));
                continue;
            }
            var column = InspectFeature(table, j, out string? reason);
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
        return pipeline.Append(LabelMapping(ml));
    }

    /// <summary>Lines for a report: the task, the label, each feature column's treatment and the columns left out.</summary>
    public IReadOnlyList<string> DescribeFeaturization()
    {
        var lines = new List<string>
        {
            $"{RowCount:N0} rows; task {TaskName(Task)} ({(TaskInferred ? "inferred from the label" : "as given")}); label '{LabelColumn}'" + Task switch
            {
                PredictionTask.BinaryClassification => $", positive class '{Classes[1]}' (negative '{Classes[0]}')",
                PredictionTask.MulticlassClassification => $", {Classes.Count} classes ({string.Join(", ", Classes.Take(12))}{(Classes.Count > 12 ? ", …" : "")})",
                _ => "",
            },
        };
        lines.AddRange(Features.Select(f => f.Describe()));
        lines.AddRange(Ignored.Select(c => $"{c.Name}: not used ({c.Reason})"));
        lines.Add($"all features concatenated into '{FeatureColumnName}' and normalised to mean 0, variance 1 (NormalizeMeanVariance)");
        return lines;
    }

    /// <summary>The task's name on the command line: regression, binary or multiclass.</summary>
    public static string TaskName(PredictionTask task) => task switch
    {
        PredictionTask.Regression => "regression",
        PredictionTask.BinaryClassification => "binary",
        _ => "multiclass",
    };

    private IEstimator<ITransformer> LabelMapping(MLContext ml)
    {
        switch (Task)
        {
            case PredictionTask.Regression:
                return ml.Transforms.CopyColumns(LabelColumnName, LabelColumn);
            case PredictionTask.BinaryClassification when _numericLabel:
                return ml.Transforms.Conversion.MapValue(LabelColumnName,
                    Classes.Select((c, i) => new KeyValuePair<float, bool>(float.Parse(c, CultureInfo.InvariantCulture), i == 1)), LabelColumn);
            case PredictionTask.BinaryClassification:
                return ml.Transforms.Conversion.MapValue(LabelColumnName,
                    Classes.Select((c, i) => new KeyValuePair<string, bool>(c, i == 1)), LabelColumn);
            default:
                // The key values come from every class, not a fold's training rows, so every fold scores the same classes.
                IDataView keys = ml.Data.LoadFromEnumerable(Classes.Select(c => new ClassName { Value = c }));
                return ml.Transforms.Conversion.MapValueToKey(LabelColumnName, LabelColumn, keyData: keys);
        }
    }

    private sealed class ClassName
    {
        public string Value { get; set; } = "";
    }

    private static bool IsMissing(string value) => MissingTokens.Any(t => string.Equals(t, value, StringComparison.OrdinalIgnoreCase));

    private static bool IsNumber(string value, out double number)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    private static (PredictionTask Task, bool Numeric, IReadOnlyList<string> Classes) InspectLabel(CsvTable table, int index, PredictionTask? task)
    {
        string name = table.Header[index];
        int missing = 0, firstMissingLine = 0;
        bool numeric = true;
        string? firstText = null;
        int firstTextLine = 0;
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < table.Rows.Count; i++)
        {
            string value = table.Rows[i][index];
            if (IsMissing(value))
            {
                if (missing++ == 0)
                    firstMissingLine = i + 2;
                continue;
            }
            if (!IsNumber(value, out double number))
            {
                if (numeric)
                {
                    firstText = value;
                    firstTextLine = i + 2;
                }
                numeric = false;
            }
            else if (!double.IsFinite(number) || Math.Abs(number) > float.MaxValue)
                throw new ComparisonInputException(
                    $"The label column '{name}' holds '{value}' on line {i + 2} of '{table.Path}', which is not a finite number; fix or remove that row.");
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }
        if (missing > 0)
            throw new ComparisonInputException(
                $"The label column '{name}' is empty or missing in {missing} row(s) of '{table.Path}' (first on line {firstMissingLine}); " +
                "every row needs a label: fill them in or remove those rows.");

        // Numeric labels count as one value however they are written (1, 1.0, 1e0).
        if (numeric)
            counts = counts.GroupBy(kv => double.Parse(kv.Key, CultureInfo.InvariantCulture))
                .ToDictionary(g => g.First().Key, g => g.Sum(kv => kv.Value));
        if (counts.Count < 2)
            throw new ComparisonInputException(
                $"The label column '{name}' has the same value ('{counts.Keys.First()}') in every row of '{table.Path}': there is nothing to predict. Choose another label column.");

        PredictionTask chosen = task ?? (counts.Count == 2 ? PredictionTask.BinaryClassification
            : numeric ? PredictionTask.Regression : PredictionTask.MulticlassClassification);
        switch (chosen)
        {
            case PredictionTask.Regression when !numeric:
                throw new ComparisonInputException(
                    $"The label column '{name}' holds text ('{firstText}' on line {firstTextLine} of '{table.Path}'), but regression needs numbers; " +
                    "use the binary or multiclass task to predict classes.");
            case PredictionTask.Regression:
                return (chosen, true, []);
            case PredictionTask.BinaryClassification when counts.Count != 2:
                throw new ComparisonInputException(
                    $"Binary classification needs exactly two label values, but '{name}' has {counts.Count} ({Preview(counts.Keys)}); " +
                    (numeric ? "use the regression or multiclass task." : "use the multiclass task."));
            case PredictionTask.BinaryClassification:
                return (chosen, numeric, BinaryClasses(counts, numeric));
            default:
                if (counts.Count > MaxClasses)
                    throw new ComparisonInputException(
                        $"The label column '{name}' has {counts.Count} distinct values, more than the {MaxClasses} classes multiclass classification takes here" +
                        (numeric ? "; to predict it as a number use the regression task." : "; choose a label with fewer classes."));
                var classes = counts.Keys.ToList();
                if (numeric)
                    classes.Sort((a, b) => double.Parse(a, CultureInfo.InvariantCulture).CompareTo(double.Parse(b, CultureInfo.InvariantCulture)));
                else
                    classes.Sort(StringComparer.Ordinal);
                return (chosen, numeric, classes);
        }
    }

    // The negative class first. The positive one is 1/true/yes when present, else the rarer value (the usual "event").
    private static string[] BinaryClasses(Dictionary<string, int> counts, bool numeric)
    {
        string[] values = counts.Keys.ToArray();
        if (numeric)
            Array.Sort(values, (a, b) => double.Parse(a, CultureInfo.InvariantCulture).CompareTo(double.Parse(b, CultureInfo.InvariantCulture)));
        else
            Array.Sort(values, StringComparer.Ordinal);
        bool Positive(string v) => PositiveTokens.Any(t => string.Equals(t, v, StringComparison.OrdinalIgnoreCase))
            || (numeric && double.Parse(v, CultureInfo.InvariantCulture) == 1);
        string positive = values.Count(Positive) == 1 ? values.First(Positive)
            : counts[values[0]] < counts[values[1]] ? values[0] : values[1];
        string negative = values[0] == positive ? values[1] : values[0];
        return [negative, positive];
    }

    private static FeatureColumn? InspectFeature(CsvTable table, int index, out string? ignoredReason)
    {
        ignoredReason = null;
        string name = table.Header[index];
        int missing = 0;
        bool numeric = true;
        long words = 0;
        var distinct = new HashSet<string>();
        foreach (string value in table.Column(index))
        {
            if (IsMissing(value))
            {
                missing++;
                continue;
            }
            numeric &= IsNumber(value, out _);
            words += value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            distinct.Add(value);
        }
        int present = table.Rows.Count - missing;
        // Columns that cannot inform a model are left out and said so, not refused: real files have them (the
        // digits' always-blank corner pixels). A file with nothing else is refused by the caller.
        if (present == 0)
        {
            ignoredReason = "it has no values";
            return null;
        }
        if (distinct.Count == 1 && missing == 0)
        {
            ignoredReason = $"the same value ('{distinct.First()}') in every row";
            return null;
        }
        if (numeric)
            return new FeatureColumn(name, FeatureKind.Numeric, missing, distinct.Count);
        double meanWords = (double)words / present;
        if (meanWords < 3 && distinct.Count == present && present >= MinRowsForIdentifier)
        {
            ignoredReason = $"every one of its {present:N0} values differs, like an identifier's";
            return null;
        }
        if (meanWords < 3 && distinct.Count <= MaxCategories)
            return new FeatureColumn(name, FeatureKind.Categorical, missing, distinct.Count);
        return new FeatureColumn(name, FeatureKind.Text, missing, distinct.Count);
    }

    private static string Preview(IEnumerable<string> values)
    {
        var list = values.Take(6).ToList();
        return string.Join(", ", list) + (values.Skip(6).Any() ? ", …" : "");
    }
}
