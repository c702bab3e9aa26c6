namespace Backprop;

/// <summary>How the ML.NET trainers scale the features inside the model, before the network (the engine takes features as given).</summary>
public enum FeatureScaling
{
    /// <summary>The features reach the network as the pipeline made them.</summary>
    None = 0,

    /// <summary>
    /// Each feature centred by its mean and divided by its deviation on the training rows; a feature with only two values
    /// (a one-hot indicator, a flag) is divided by half the gap between them instead, so a rare category is not
    /// magnified into a lever that fits its few rows.
    /// </summary>
    Standard = 1,

    /// <summary>
    /// Robust scaling with smooth clipping: each feature centred by its median and divided by its inter-quartile range
    /// (half its range where the quartiles coincide; two-valued features as in <see cref="Standard"/>), then
    /// x / √(1 + (x/3)²), which leaves values near 0 almost unchanged and bends outliers towards ±3, so heavy tails and
    /// outliers do not dominate the first layer.
    /// </summary>
    Robust = 2,
}
