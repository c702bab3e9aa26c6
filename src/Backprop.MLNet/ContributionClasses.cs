namespace Backprop.MLNet;

/// <summary>Which outputs <see cref="BackpropContributionsTransformer"/> explains.</summary>
public enum ContributionClasses
{
    /// <summary>
    /// One contribution per feature: to the score of a regression or binary model, or to the logit of the class a
    /// multiclass model predicts for the row.
    /// </summary>
    Predicted,

    /// <summary>
    /// Every class's contributions, classes × features, class after class (slots named "class/feature"); for a
    /// regression or binary model the same as <see cref="Predicted"/>.
    /// </summary>
    All,
}
