using System.Globalization;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// What a CSV file's columns are, read from their values: the label's task, classes and positive class, and each
/// other column's kind (numeric, categorical, text) or why it is left out. Every problem is a
/// <see cref="ComparisonInputException"/> that names the column, the line and the fix. The rules are on
/// <see cref="TabularData"/>.
/// </summary>
internal static class ColumnInference
{
    private static readonly string[] MissingTokens = ["", "?", "NA", "N/A", "NaN", "null", "None"];
    private static readonly string[] PositiveTokens = ["1", "true", "yes", "y", "t", "positive", "pos"];

    private static bool IsMissing(string value) => MissingTokens.Any(t => string.Equals(t, value, StringComparison.OrdinalIgnoreCase));

    private static bool IsNumber(string value, out double number)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    public static (PredictionTask Task, bool Numeric, IReadOnlyList<string> Classes) InspectLabel(CsvTable table, int index, PredictionTask? task)
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
                if (counts.Count > TabularData.MaxClasses)
                    throw new ComparisonInputException(
                        $"The label column '{name}' has {counts.Count} distinct values, more than the {TabularData.MaxClasses} classes multiclass classification takes here" +
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

    public static FeatureColumn? InspectFeature(CsvTable table, int index, out string? ignoredReason)
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
        if (meanWords < 3 && distinct.Count == present && present >= TabularData.MinRowsForIdentifier)
        {
            ignoredReason = $"every one of its {present:N0} values differs, like an identifier's";
            return null;
        }
        if (meanWords < 3 && distinct.Count <= TabularData.MaxCategories)
            return new FeatureColumn(name, FeatureKind.Categorical, missing, distinct.Count);
        return new FeatureColumn(name, FeatureKind.Text, missing, distinct.Count);
    }

    private static string Preview(IEnumerable<string> values)
    {
        var list = values.Take(6).ToList();
        return string.Join(", ", list) + (values.Skip(6).Any() ? ", …" : "");
    }
}
