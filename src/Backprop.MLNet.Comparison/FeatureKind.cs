namespace Backprop.MLNet.Comparison;

/// <summary>How automatic featurization treats a column.</summary>
public enum FeatureKind
{
    /// <summary>Numbers: missing values replaced by the column's mean and flagged in a 0/1 column of their own.</summary>
    Numeric,

    /// <summary>Short text with few distinct values: one-hot encoded (a missing value is a category of its own).</summary>
    Categorical,

    /// <summary>Free text (several words per value, many distinct values): ML.NET's <c>FeaturizeText</c>.</summary>
    Text,
}
