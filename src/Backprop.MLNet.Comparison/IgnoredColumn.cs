namespace Backprop.MLNet.Comparison;

/// <summary>A column of the data file that is not used, and why.</summary>
/// <param name="Name">The column's name in the header.</param>
/// <param name="Reason">Why it is left out: asked for, no values, one value in every row, or it looks like an identifier.</param>
public sealed record IgnoredColumn(string Name, string Reason);
