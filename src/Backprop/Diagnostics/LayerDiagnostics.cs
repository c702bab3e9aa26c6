namespace Backprop;

/// <summary>
/// How one dense layer trained during one epoch, measured on a sample of the epoch's mini-batch steps (see
/// <see cref="MlpTrainerOptions.Diagnostics"/>).
/// </summary>
/// <param name="Layer">The layer: 0 for the first hidden layer, up to the output layer.</param>
/// <param name="GradientRms">
/// The root mean square of the loss's gradient with respect to the layer's weights (the mean loss of a batch; no
/// penalty, before clipping; under L-BFGS, the full objective's, penalty included). Far smaller in the first layers
/// than in the last means vanishing gradients.
/// </param>
/// <param name="DeltaRms">The root mean square of the gradient back-propagated to the layer's pre-activations, ∂loss/∂z.</param>
/// <param name="WeightRms">The root mean square of the layer's weights at the end of the epoch.</param>
/// <param name="UpdateRatio">
/// ‖Δw‖ / ‖w‖ of one step's update of the layer's weights, averaged over the sampled steps; about 1e-3 is healthy,
/// above 1e-1 the learning rate is too high for the layer.
/// </param>
/// <param name="DeadFraction">
/// For a ReLU layer, the share of its units that were zero on every sampled row: they pass no gradient and learn
/// nothing; <see langword="null"/> for other activations and the output layer.
/// </param>
/// <param name="SaturatedFraction">
/// For a sigmoid or tanh layer, the share of its units' values on the sampled rows that lie in the flat tails, where
/// the derivative is below 0.01 (|z| beyond 3 for tanh, 4.6 for sigmoid); <see langword="null"/> otherwise.
/// </param>
public sealed record LayerDiagnostics(int Layer, double GradientRms, double DeltaRms, double WeightRms, double UpdateRatio,
    double? DeadFraction, double? SaturatedFraction);
