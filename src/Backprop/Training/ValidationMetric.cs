namespace Backprop;

/// <summary>What early stopping and reduce-on-plateau watch on the validation data.</summary>
public enum ValidationMetric
{
    /// <summary>The validation loss (lower is better). The default.</summary>
    Loss = 0,

    /// <summary>The coefficient of determination, for regression (higher is better).</summary>
    RSquared = 1,

    /// <summary>The fraction classified correctly, for classification (higher is better).</summary>
    Accuracy = 2,

    /// <summary>The area under the ROC curve, for binary classification (higher is better).</summary>
    Auc = 3,
}
