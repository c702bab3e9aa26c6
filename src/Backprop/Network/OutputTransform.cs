namespace Backprop;

/// <summary>How the output layer's raw values (logits) become predictions; set by the loss the network was trained with.</summary>
public enum OutputTransform
{
    /// <summary>Predictions are the raw values (regression with squared, absolute or Huber loss).</summary>
    Identity = 0,

    /// <summary>Predictions are e^z: the mean of a Poisson model with log link.</summary>
    Exp = 1,

    /// <summary>Predictions are σ(z): the probability of the positive class.</summary>
    Sigmoid = 2,

    /// <summary>Predictions are softmax(z): one probability per class.</summary>
    Softmax = 3,
}
