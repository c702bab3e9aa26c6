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
}
