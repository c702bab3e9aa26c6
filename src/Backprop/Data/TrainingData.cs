namespace Backprop;

/// <summary>
/// A training or validation set: a contiguous row-major float32 feature matrix, one label per row and optional
/// sample weights. The arrays are used in place, not copied; do not change them while a trainer reads them.
/// </summary>
public sealed class TrainingData
{
    /// <summary>Checks and wraps the arrays.</summary>
    /// <param name="features">rows × <paramref name="featureCount"/> values, row after row.</param>
    /// <param name="featureCount">The number of features per row, 1 or more.</param>
    /// <param name="labels">One label per row: the target value, 0/1 for binary classification, or the class index 0…k−1.</param>
    /// <param name="weights">One non-negative weight per row, or <see langword="null"/> for all 1.</param>
    /// <exception cref="ArgumentException">The data is empty, the sizes disagree, or a value is NaN, infinite or (for weights) negative.</exception>
    public TrainingData(float[] features, int featureCount, float[] labels, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount < 1)
            throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "Each row needs at least one feature.");
        if (labels.Length == 0)
            throw new ArgumentException("The data has no rows: give at least one labelled example.", nameof(labels));
        if (features.Length != (long)labels.Length * featureCount)
            throw new ArgumentException(
                $"features has {features.Length} values but {labels.Length} labels × {featureCount} features need {(long)labels.Length * featureCount}: " +
                "the feature matrix and the labels must have the same number of rows.", nameof(features));
        if (weights is not null && weights.Length != labels.Length)
            throw new ArgumentException($"weights has {weights.Length} values but there are {labels.Length} rows: give one weight per row.", nameof(weights));

        RequireFinite(features, featureCount, nameof(features));
        RequireFinite(labels, 1, nameof(labels));
        if (weights is not null)
        {
            RequireFinite(weights, 1, nameof(weights));
            int negative = Array.FindIndex(weights, w => w < 0f);
            if (negative >= 0)
                throw new ArgumentException($"weights[{negative}] is {weights[negative]}; sample weights cannot be negative.", nameof(weights));
            if (weights.All(w => w == 0f))
                throw new ArgumentException("Every sample weight is 0, so there is nothing to learn from.", nameof(weights));
        }

        Features = features;
        FeatureCount = featureCount;
        Labels = labels;
        Weights = weights;
    }

    /// <summary>The number of rows.</summary>
    public int RowCount => Labels.Length;

    /// <summary>The number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>The feature matrix, row-major.</summary>
    public float[] Features { get; }

    /// <summary>One label per row.</summary>
    public float[] Labels { get; }

    /// <summary>One weight per row, or <see langword="null"/> for all 1.</summary>
    public float[]? Weights { get; }

    private static void RequireFinite(float[] values, int width, string name)
    {
        int bad = 0, first = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                bad++;
                if (first < 0)
                    first = i;
            }
        }
        if (bad == 0)
            return;
        string where = width == 1 ? $"row {first}" : $"row {first / width}, feature {first % width}";
        throw new ArgumentException(
            $"{name} contains {bad} non-finite value(s) (NaN or ∞), the first at {where} ({values[first]}). " +
            "Replace missing values (for example with the column mean) or remove those rows before training.", name);
    }
}
