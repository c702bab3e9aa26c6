using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// The options every Backprop trainer shares: the network, the optimiser, regularisation, early stopping and
/// reproducibility. Column names come from ML.NET's <see cref="TrainerInputBaseWithWeight"/>
/// (<c>LabelColumnName</c> "Label", <c>FeatureColumnName</c> "Features", <c>ExampleWeightColumnName</c> none).
/// </summary>
/// <remarks>
/// Every option has the name and the default of the engine's <see cref="MlpTrainerOptions"/>; the defaults live in
/// <see cref="BackpropDefaults"/>: ReLU layers of 128 and 64 units for regression and one of 256 for the classifiers,
/// Adam at 0.001 on batches of 64, an L2 penalty of 0.001 that grows below 700 training rows, features (and a
/// regression label) standardised inside the model, and early stopping after 30 epochs without improvement on 20 % of
/// the training rows held out (at most 400 epochs), keeping the best epoch's weights.
/// </remarks>
public abstract class BackpropTrainerOptionsBase : TrainerInputBaseWithWeight
{
    /// <summary>
    /// The width of each hidden layer, input side first; default { 128, 64 } for regression and { 256 } for the
    /// classifiers. Empty gives a linear model (a GLM).
    /// </summary>
    /// <remarks>See <see cref="BackpropDefaults.ClassifierHiddenLayers"/> for why the classifiers' differ.</remarks>
    public int[] HiddenLayers = [.. BackpropDefaults.RegressionHiddenLayers];

    /// <summary>
    /// A learned periodic embedding of the numeric features before the first layer (<see cref="PeriodicEmbedding"/>:
    /// each numeric feature — more than two values, none in more than half of the rows — becomes learned cosines of it, mapped to a few values, beside the value
    /// itself); default <see langword="null"/>, none. Exported to ONNX.
    /// </summary>
    public PeriodicEmbedding? NumericEmbedding;

    /// <summary>
    /// Give every hidden layer after the first a residual connection (its output is f(z) plus its input, through a
    /// learned projection where the widths differ), so that deep networks train; default <see langword="false"/>.
    /// Exported to ONNX.
    /// </summary>
    public bool Residual = BackpropDefaults.Residual;

    /// <summary>
    /// How every hidden layer's pre-activations are normalised before its activation: <see cref="HiddenNormalization.Layer"/>
    /// standardises each row across the layer's units with a learned scale and shift, keeping a deep network's
    /// activations in range; <see cref="HiddenNormalization.Batch"/> standardises each unit across the mini-batch and
    /// predicts with the running statistics it stores (mini-batch optimisers only); default
    /// <see cref="HiddenNormalization.None"/>. Exported to ONNX.
    /// </summary>
    public HiddenNormalization Normalization = BackpropDefaults.Normalization;

    /// <summary>The activation of every hidden layer; default <see cref="Activation.ReLU"/>.</summary>
    public Activation Activation = Activation.FromKind(BackpropDefaults.Activation);

    /// <summary>
    /// How initial weights are drawn; default <see cref="WeightInitialization.GlorotUniform"/> (Keras's and
    /// scikit-learn's): He's rectifier scaling scored no better on any dataset measured and worse on most.
    /// </summary>
    public WeightInitialization WeightInitialization = BackpropDefaults.WeightInitialization;

    /// <summary>
    /// The optimiser: <see cref="AdamOptimizer"/>, <see cref="AdamWOptimizer"/>, <see cref="SgdOptimizer"/>,
    /// <see cref="RmsPropOptimizer"/> or full-batch <see cref="LbfgsOptimizer"/>; default Adam (β₁ 0.9, β₂ 0.999).
    /// </summary>
    public Optimizer Optimizer = new AdamOptimizer();

    /// <summary>The initial learning rate, positive; default 0.001. L-BFGS ignores it.</summary>
    public float LearningRate = BackpropDefaults.LearningRate;

    /// <summary>How the learning rate changes over epochs; default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule LearningRateSchedule = LearningRateSchedule.Constant;

    /// <summary>Rows per mini-batch, 1 or more (capped at the number of training rows); default 64.</summary>
    public int BatchSize = BackpropDefaults.BatchSize;

    /// <summary>The most passes over the training data (epochs; L-BFGS: iterations), 1 or more; default 400.</summary>
    public int NumberOfIterations = BackpropDefaults.NumberOfIterations;

    /// <summary>Whether to shuffle the training rows before every epoch; default <see langword="true"/>.</summary>
    public bool Shuffle = BackpropDefaults.Shuffle;

    /// <summary>λ₁ of the L1 penalty λ₁·Σ|w| on the weights (not the biases), 0 or more; default 0.</summary>
    public float L1Regularization = BackpropDefaults.L1Regularization;

    /// <summary>
    /// λ₂ of the L2 penalty ½·λ₂·Σw² on the weights (not the biases), added to the mean loss; 0 or more. Default
    /// (<see langword="null"/>): from the number of training rows (<see cref="BackpropDefaults.L2RegularizationFor"/>),
    /// 0.001 from 700 rows up, rising to 0.01 as the rows fall to 325, so small data is regularised more.
    /// </summary>
    public float? L2Regularization;

    /// <summary>
    /// Decoupled weight decay λ (weights shrink by η·λ·w each step); default <see langword="null"/>: 0.01 with
    /// <see cref="AdamWOptimizer"/>, else 0.
    /// </summary>
    public float? WeightDecay;

    /// <summary>The probability of zeroing each hidden unit while training (inverted dropout), in [0, 1); default 0.</summary>
    public float Dropout = BackpropDefaults.Dropout;

    /// <summary>Rescale the gradient when its global L2 norm exceeds this, positive; default <see langword="null"/> (no clipping).</summary>
    public float? GradientClipNorm;

    /// <summary>
    /// The decay β of an exponential moving average of the weights taken after every epoch, in [0, 1); 0 turns it off.
    /// The average is what early stopping scores and keeps and what the model holds, which smooths the noise of
    /// mini-batch steps; a warm start continues from the average. Default <see langword="null"/>: 0.9
    /// (<see cref="BackpropDefaults.WeightAverageDecay"/>) for the mini-batch optimisers (Adam, AdamW, SGD, RMSProp),
    /// none for L-BFGS.
    /// </summary>
    public float? WeightAverageDecay;

    /// <summary>
    /// Stop when the monitored value has not improved by <see cref="EarlyStoppingMinDelta"/> for
    /// <see cref="EarlyStoppingPatience"/> epochs and keep the best epoch's weights; default <see langword="true"/>.
    /// The monitored value is <see cref="EarlyStoppingMetric"/> on the validation data (the set given to
    /// <c>Fit(train, validationData)</c>, else <see cref="ValidationFraction"/> of the training rows), or the
    /// training loss when there is none.
    /// </summary>
    public bool EarlyStopping = BackpropDefaults.EarlyStopping;

    /// <summary>Epochs without improvement before stopping, 1 or more; default 30.</summary>
    public int EarlyStoppingPatience = BackpropDefaults.EarlyStoppingPatience;

    /// <summary>The least improvement of the monitored value that counts, 0 or more; default 0.0001.</summary>
    public double EarlyStoppingMinDelta = BackpropDefaults.EarlyStoppingMinDelta;

    /// <summary>
    /// What early stopping watches on validation data: <see cref="ValidationMetric.Loss"/> (the task's loss, log-loss
    /// for classifiers; the default), <see cref="ValidationMetric.RSquared"/> for regression,
    /// <see cref="ValidationMetric.Accuracy"/> for classifiers, <see cref="ValidationMetric.Auc"/> for binary ones.
    /// </summary>
    public ValidationMetric EarlyStoppingMetric = BackpropDefaults.EarlyStoppingMetric;

    /// <summary>
    /// When <c>Fit</c> gets no validation set, hold out this fraction of the training rows for early stopping
    /// (seeded; stratified by class for classifiers), in [0, 1); default 0.2. 0 trains on every row and stops on the
    /// training loss instead.
    /// </summary>
    public float ValidationFraction = BackpropDefaults.ValidationFraction;

    /// <summary>
    /// After early stopping on the held-out <see cref="ValidationFraction"/>, train again from the same start on every
    /// training row for the epoch count that scored best, so the held-out rows are learned from too. Costs up to about
    /// twice the time. Default (<see langword="null"/>): whenever the weights are averaged over epochs (the default of
    /// the mini-batch optimisers, <see cref="WeightAverageDecay"/>), else below 3,000 training rows
    /// (<see cref="BackpropDefaults.RefitOnAllRowsFor"/>): without the average, the best epoch of a noisy held-out curve
    /// is partly luck that a second run does not repeat, and on larger sets the refit scored a little worse.
    /// </summary>
    public bool? RefitOnAllRows;

    /// <summary>
    /// How many networks to train and average, 1 or more; default 1. With k above 1 and no validation set, the training
    /// rows are split into max(k, round(1 / <see cref="ValidationFraction"/>)) folds (stratified for the classifiers)
    /// and network j early-stops on fold j while learning from the rest, so each row is learned from by most networks
    /// (cross-validation bagging); with a validation set, every network trains on every row from its own seed (the
    /// seed + j). The model averages the networks' raw outputs (a regression value, logits) and is saved, loaded,
    /// scored and exported to ONNX as one. Costs k times the training; up to <see cref="NumberOfThreads"/> networks
    /// train at once.
    /// </summary>
    public int NumberOfModels = BackpropDefaults.NumberOfModels;

    /// <summary>
    /// How the features are scaled inside the model, before the network, fitted on the training rows; default
    /// <see cref="FeatureScaling.Standard"/>: mean 0 and deviation 1 per feature. ML.NET's <c>NormalizeMeanVariance</c>
    /// scales without centring by default, and gradient descent trains slower and worse on un-centred inputs; scaling
    /// inside the trainer makes it indifferent to the normaliser chosen upstream. A feature with only two values (a
    /// one-hot indicator, a flag) is centred and divided by half the gap between them instead of by its deviation, so a
    /// rare category is not magnified into a lever that fits its few rows (see
    /// <see cref="IBackpropModelParameters.FeatureScales"/>). <see cref="FeatureScaling.Robust"/> centres by the median,
    /// divides by the inter-quartile range and bends outliers smoothly towards ±3.
    /// </summary>
    public FeatureScaling FeatureScaling = BackpropDefaults.FeatureScaling;

    /// <summary>The most threads the kernels use; default <see langword="null"/>: every processor. Results do not depend on it.</summary>
    public int? NumberOfThreads;

    /// <summary>
    /// Whether to stream the training data through cursors instead of copying it into memory, for data larger than
    /// memory: <see langword="true"/> always, <see langword="false"/> never; default <see langword="null"/>: when its
    /// features take more than <see cref="StreamingThresholdMegabytes"/>. Streamed, each epoch reads the data again
    /// and shuffles it within <see cref="ShuffleBufferRows"/> rows (see <see cref="ShuffleSource"/>); the rows
    /// held out for early stopping are chosen by a seeded hash of the row id rather than stratified, the robust scaling's
    /// quartiles come from a sample of 65,536 rows, and L-BFGS is refused. A validation set is still read into memory.
    /// With a buffer that holds every row and no rows held out, the model is the one trained in memory, bit for bit.
    /// </summary>
    public bool? Streaming;

    /// <summary>
    /// The size of the features (rows × features × 4 bytes), in megabytes, above which <see cref="Streaming"/>'s default
    /// streams, 0 or more; default <see cref="BackpropDefaults.StreamingThresholdMegabytes"/> (2,048).
    /// </summary>
    public long StreamingThresholdMegabytes = BackpropDefaults.StreamingThresholdMegabytes;

    /// <summary>
    /// When streaming, the rows shuffled at a time, 1 or more; default <see cref="BackpropDefaults.ShuffleBufferRows"/>
    /// (65,536). The buffer takes rows × features × 4 bytes; the larger, the closer each epoch comes to a full shuffle.
    /// </summary>
    public int ShuffleBufferRows = BackpropDefaults.ShuffleBufferRows;

    /// <summary>
    /// When streaming, also read the view in a seeded order each epoch where it can shuffle (a binary file's blocks,
    /// through ML.NET's shuffled cursor), besides shuffling within the buffer; default <see langword="false"/>. Turn it
    /// on for data stored in an order (by time, by class) that a buffer's window would keep; ML.NET's shuffled reading of
    /// a binary file takes about twice the processor time of reading it in order.
    /// </summary>
    public bool ShuffleSource;

    /// <summary>
    /// Called on the training thread after every epoch with its losses, validation metric, learning rate and time,
    /// for a live display or a custom log; default <see langword="null"/>. The same figures also go to
    /// <c>MLContext.Log</c> and stay in the model's <see cref="IBackpropModelParameters.History"/>. A refit on every row
    /// (<see cref="RefitOnAllRows"/>) numbers its epochs from 1 again.
    /// </summary>
    public Action<EpochRecord>? EpochCompleted;

    /// <summary>
    /// Measure every layer's gradients, weights, updates and dead or saturated units each epoch
    /// (<see cref="EpochRecord.Diagnostics"/>), and warn with advice about vanishing or exploding gradients, dead or
    /// saturated layers and oversized updates, in <c>MLContext.Log</c> and <see cref="WarningRaised"/>; default
    /// <see langword="true"/>. They change no trained value.
    /// </summary>
    public bool Diagnostics = BackpropDefaults.Diagnostics;

    /// <summary>
    /// Called on the training thread with each <see cref="TrainingWarning"/> as soon as the diagnostics raise it (an
    /// exploding gradient before the divergence it leads to); default <see langword="null"/>. The warnings also go to
    /// <c>MLContext.Log</c> and stay in the model's history (<see cref="TrainingHistory.Warnings"/>).
    /// </summary>
    public Action<TrainingWarning>? WarningRaised;

    /// <summary>
    /// The seed of initialisation, shuffling, dropout and the validation split; default <see langword="null"/>: drawn
    /// from the <c>MLContext</c>'s random source, so <c>new MLContext(seed: n)</c> makes training reproducible.
    /// </summary>
    public int? Seed;
}
