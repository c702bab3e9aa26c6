namespace Backprop;

/// <summary>What the parts of one training run share: the options, the objective, the rows and the batch buffer.</summary>
/// <param name="Options">The run's options.</param>
/// <param name="Objective">The loss and penalty being minimised, with their gradient.</param>
/// <param name="Train">The rows trained on.</param>
/// <param name="Batch">Where batches are gathered, and the propagator that runs them.</param>
/// <param name="Cancellation">Checked between batches.</param>
/// <param name="Diagnostics">The layers' health measurements, or <see langword="null"/> when they are off.</param>
internal sealed record TrainingContext(MlpTrainerOptions Options, Objective Objective, RowCollection Train, BatchBuffer Batch,
    CancellationToken Cancellation, TrainingDiagnostics? Diagnostics = null)
{
    public NetworkLayout Layout => Objective.Layout;

    /// <summary>The advice every divergence message ends with, after the exploding-gradient warning that preceded it.</summary>
    public string DivergenceAdvice =>
        (Diagnostics?.Health.ExplodingFinding is { } finding ? $"Before that: {finding} " : "") +
        $"Lower the learning rate (it is {Options.LearningRate}), standardise the inputs (and the labels), or set GradientClipNorm.";
}
