namespace Backprop.MLNet;

/// <summary>
/// How much one slot of the feature vector moves a Backprop model's score, on average over a data set: the mean
/// absolute integrated-gradients contribution (to the score, or to the logit of each row's predicted class).
/// </summary>
/// <param name="Slot">The slot's index in the feature vector.</param>
/// <param name="Name">The slot's name (from the featurizer, such as "zip=95820"), or "feature i" where it has none.</param>
/// <param name="MeanAbsoluteContribution">The mean over the rows of |contribution|, in the score's units.</param>
public sealed record BackpropFeatureImportance(int Slot, string Name, double MeanAbsoluteContribution);
