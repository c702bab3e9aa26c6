namespace Backprop;

/// <summary>One ensemble member's share of the cross-validation bagging split.</summary>
/// <param name="Index">The fold this member holds out, from 0.</param>
/// <param name="Count">The number of folds the training rows are split into.</param>
/// <param name="Seed">The ensemble's seed, which fixes the split for every member alike.</param>
internal sealed record BaggingFold(int Index, int Count, int Seed);
