namespace Backprop;

/// <summary>How each hidden layer's pre-activations are normalised before its activation.</summary>
public enum HiddenNormalization
{
    /// <summary>Not normalised: f(x·W + b).</summary>
    None = 0,

    /// <summary>
    /// Layer normalisation (Ba, Kiros and Hinton, 2016): each row's pre-activations are standardised across the layer's
    /// units, then scaled and shifted by a learned γ and β per unit: f(γ ⊙ (z − μ) / √(σ² + 10⁻⁵) + β). The same at
    /// training and prediction, row by row.
    /// </summary>
    Layer = 1,

    /// <summary>
    /// Batch normalisation (Ioffe and Szegedy, 2015): during training each unit's pre-activations are standardised
    /// across the mini-batch's rows, then scaled and shifted by a learned γ and β; each training step also moves the
    /// unit's running mean and variance 10 % of the way to the batch's (the variance unbiased, as PyTorch keeps it).
    /// Predictions use the running statistics, so a row's score does not depend on the rows scored beside it, and the
    /// model stores them. Needs a mini-batch optimiser; a batch of one row is normalised to β and leaves the running
    /// statistics alone.
    /// </summary>
    Batch = 2,
}
