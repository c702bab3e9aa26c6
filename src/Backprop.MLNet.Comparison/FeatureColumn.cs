namespace Backprop.MLNet.Comparison;

/// <summary>A column of the data file that becomes part of the features, and how.</summary>
/// <param name="Name">The column's name in the header.</param>
/// <param name="Kind">How it is featurized.</param>
/// <param name="MissingCount">Rows where it is empty or a missing-value token (NA, ?, NaN, null, None).</param>
/// <param name="DistinctCount">Distinct values among the rows that have one.</param>
public sealed record FeatureColumn(string Name, FeatureKind Kind, int MissingCount, int DistinctCount)
{
    /// <summary>One line for a report: the column, its kind and what is done to it.</summary>
    public string Describe() => Kind switch
    {
        FeatureKind.Numeric => MissingCount > 0
            ? $"{Name}: numeric, {MissingCount} missing → replaced by the mean and flagged in {Name}_missing"
            : $"{Name}: numeric",
        FeatureKind.Categorical => $"{Name}: categorical, {DistinctCount} values → one-hot" +
            (MissingCount > 0 ? $" ({MissingCount} missing form a category of their own)" : ""),
        _ => $"{Name}: text, {DistinctCount} distinct values → FeaturizeText (word and character n-grams)",
    };
}
