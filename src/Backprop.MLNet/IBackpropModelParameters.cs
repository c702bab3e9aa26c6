using Backprop.MLNet.Internal;
using Microsoft.ML.Data;

namespace Backprop.MLNet;

/// <summary>
/// What every trained Backprop model offers, whatever its task: the network with its layers, weights, label scaling
/// and training history, and the feature standardisation applied before it.
/// </summary>
public interface IBackpropModelParameters
{
    /// <summary>The trained network (the first of <see cref="Networks"/>): <see cref="MultilayerPerceptron.Layers"/>
    /// (sizes, activations, weights and biases), the label scaling, the training history and the optimiser state kept
    /// for warm starts.</summary>
    MultilayerPerceptron Network { get; }

    /// <summary>
    /// Every network the model averages: one, or <see cref="BackpropTrainerOptionsBase.NumberOfModels"/> of the same
    /// shape, whose raw outputs (regression values on the network's scale, logits) are averaged before the output
    /// transform (see <see cref="MlpEnsemble"/>).
    /// </summary>
    IReadOnlyList<MultilayerPerceptron> Networks { get; }

    /// <summary>The first network's dense layers, input side first; the last is the output layer.</summary>
    IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>The first network's per-epoch training and validation loss, the best epoch and why training stopped.</summary>
    TrainingHistory History { get; }

    /// <summary>How the features are scaled before the network (the trainer's <see cref="BackpropTrainerOptionsBase.FeatureScaling"/>).</summary>
    FeatureScaling FeatureScaling { get; }

    /// <summary>
    /// The centres subtracted from the features before the network — means, or medians under
    /// <see cref="FeatureScaling.Robust"/> — or <see langword="null"/> for <see cref="FeatureScaling.None"/>.
    /// </summary>
    IReadOnlyList<float>? FeatureMeans { get; }

    /// <summary>
    /// What the centred features are divided by, or <see langword="null"/> (see <see cref="FeatureMeans"/>): each
    /// feature's deviation on the training rows (its inter-quartile range under <see cref="FeatureScaling.Robust"/>), or half the gap between the two values of a two-valued feature (a
    /// one-hot indicator or a flag), so that a rare indicator is not blown up to the size of its rarity.
    /// </summary>
    IReadOnlyList<float>? FeatureScales { get; }

    /// <summary>The number of features the network reads.</summary>
    int FeatureCount { get; }

    /// <summary>The standardisation itself, which a warm start keeps.</summary>
    internal FeatureStandardization? Standardization { get; }

    /// <summary>The networks as one averaged model, which a warm start continues.</summary>
    internal MlpEnsemble Ensemble { get; }

    /// <summary>A feature vector copied into <paramref name="scratch"/> and scaled as in training; a wrong length is refused by name.</summary>
    internal ReadOnlySpan<float> NetworkInput(in VBuffer<float> features, float[] scratch);
}
