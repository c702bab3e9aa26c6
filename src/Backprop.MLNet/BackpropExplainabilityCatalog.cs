using Backprop;
using Backprop.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary>Explanations of Backprop models on ML.NET's transforms catalog.</summary>
public static class BackpropExplainabilityCatalog
{
    /// <summary>
    /// Adds a column of feature contributions of a Backprop model of any task, by integrated gradients: for each row,
    /// how much each feature moved the score — a regression prediction in the label's units, a binary logit, or the
    /// logit of a multiclass model's predicted class (or of every class) — away from its value at the baseline; the
    /// contributions add up to that difference. ML.NET's <c>CalculateFeatureContribution</c> also works for Backprop
    /// regression and binary models; this transform adds multiclass models, every class at once, other baselines and
    /// more quadrature points. Piecewise-linear networks (ReLU, the default, leaky ReLU, identity) are integrated
    /// exactly, without quadrature.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="predictionTransformer">A fitted Backprop trainer (the last transformer of its pipeline).</param>
    /// <param name="classes">Which outputs to explain; default the predicted one.</param>
    /// <param name="steps">
    /// Quadrature points per row for networks that are not piecewise linear (tanh, GELU, a periodic embedding), at
    /// least 1; default <see cref="IntegratedGradients.DefaultSteps"/> (64).
    /// </param>
    /// <param name="baseline">
    /// The reference row, in the feature column's values (one per slot, finite); default (null) the centre the model's
    /// feature scaling keeps: the training mean, or the median under robust scaling.
    /// </param>
    /// <param name="outputColumnName">The new column: a vector of features (or classes × features); default "FeatureContributions".</param>
    /// <example><code>
    /// var model = pipeline.Fit(train);
    /// var explain = ml.Transforms.CalculateBackpropContributions(model.LastTransformer, ContributionClasses.All);
    /// IDataView explained = explain.Fit(model.Transform(test)).Transform(model.Transform(test));
    /// </code></example>
    public static BackpropContributionsEstimator CalculateBackpropContributions(this TransformsCatalog catalog,
        ISingleFeaturePredictionTransformer<IBackpropModelParameters> predictionTransformer,
        ContributionClasses classes = ContributionClasses.Predicted, int steps = IntegratedGradients.DefaultSteps,
        float[]? baseline = null, string outputColumnName = "FeatureContributions")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(predictionTransformer);
        IHostEnvironment env = catalog.GetEnvironment();
        var transformer = new BackpropContributionsTransformer(env, predictionTransformer.Model, classes, steps, baseline,
            predictionTransformer.FeatureColumnName, outputColumnName);
        return new BackpropContributionsEstimator(env, transformer);
    }

    /// <summary>
    /// Global feature importance from the same contributions: for every slot of the feature vector, the mean absolute
    /// contribution over the rows of <paramref name="data"/> (to the score, or to the logit of each row's predicted
    /// class), most important first. One pass of integrated gradients over the data, where permutation feature
    /// importance scores the data again for every slot.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="predictionTransformer">A fitted Backprop trainer (the last transformer of its pipeline).</param>
    /// <param name="data">Featurized rows: the trainer's feature column must be there, as when it scores.</param>
    /// <param name="steps">
    /// Quadrature points per row for networks that are not piecewise linear (tanh, GELU, a periodic embedding), at
    /// least 1; default <see cref="IntegratedGradients.DefaultSteps"/> (64).
    /// </param>
    public static IReadOnlyList<BackpropFeatureImportance> CalculateBackpropFeatureImportance(this TransformsCatalog catalog,
        ISingleFeaturePredictionTransformer<IBackpropModelParameters> predictionTransformer, IDataView data,
        int steps = IntegratedGradients.DefaultSteps)
    {
        ArgumentNullException.ThrowIfNull(data);
        const string column = "BackpropImportanceContributions";
        IDataView explained = catalog.CalculateBackpropContributions(predictionTransformer, ContributionClasses.Predicted, steps, outputColumnName: column)
            .Fit(data).Transform(data);
        var contributions = explained.Schema[column];
        int slots = predictionTransformer.Model.FeatureCount;
        var sums = new double[slots];
        long rows = 0;
        using (var cursor = explained.GetRowCursor([contributions]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(contributions);
            VBuffer<float> row = default;
            while (cursor.MoveNext())
            {
                getter(ref row);
                foreach (var (slot, value) in row.Items())
                    sums[slot] += Math.Abs(value);
                rows++;
            }
        }
        if (rows == 0)
            throw new ArgumentException("data has no rows to measure feature importance on.", nameof(data));
        VBuffer<ReadOnlyMemory<char>> names = default;
        contributions.GetSlotNames(ref names);
        return [.. Enumerable.Range(0, slots)
            .Select(j => new BackpropFeatureImportance(j, names.GetItemOrDefault(j).ToString(), sums[j] / rows))
            .OrderByDescending(f => f.MeanAbsoluteContribution)];
    }
}
