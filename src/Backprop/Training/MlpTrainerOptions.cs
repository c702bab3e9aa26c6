namespace Backprop;

/// <summary>
/// Everything that shapes a training run. The names and defaults are the ML.NET trainers' (see
/// <see cref="BackpropDefaults"/>): a regression network of ReLU layers 128 and 64, Adam at 0.001 on batches of 64, an L2
/// penalty that shrinks as the rows grow, the label standardised, the weights averaged over epochs, and early stopping
/// after 30 epochs without improvement on 20 % of the rows held out, at most 400 epochs, then a refit on every row.
/// </summary>
public sealed class MlpTrainerOptions
{
    /// <summary>
    /// The width of each hidden layer, input side first; default <see cref="BackpropDefaults.RegressionHiddenLayers"/>
    /// ({ 128, 64 }). An empty list gives a linear/GLM model.
    /// </summary>
    public IReadOnlyList<int> HiddenLayers { get; set; } = BackpropDefaults.RegressionHiddenLayers;

    /// <summary>
    /// A learned embedding of the numeric features before the first layer (see <see cref="PeriodicEmbedding"/>); default
    /// (<see langword="null"/>) none: the first layer takes the features as given.
    /// </summary>
    public PeriodicEmbedding? NumericEmbedding { get; set; }

    /// <summary>
    /// Give every hidden layer after the first a residual connection: its output is f(z) + its input, or f(z) + its
    /// input times a learned projection (no bias, penalised like a weight matrix) where the two widths differ. The
    /// gradient then reaches early layers of a deep network undiminished; default <see langword="false"/>.
    /// </summary>
    public bool Residual { get; set; } = BackpropDefaults.Residual;

    /// <summary>
    /// How every hidden layer's pre-activations are normalised before its activation: <see cref="HiddenNormalization.Layer"/>
    /// standardises each row across the layer's units and applies a learned scale and shift, which keeps deep
    /// networks' activations in range; <see cref="HiddenNormalization.Batch"/> standardises each unit across the
    /// mini-batch and predicts with running statistics (mini-batch optimisers only); default
    /// <see cref="HiddenNormalization.None"/>.
    /// </summary>
    public HiddenNormalization Normalization { get; set; } = BackpropDefaults.Normalization;

    /// <summary>The activation of every hidden layer; default <see cref="Activation.ReLU"/>.</summary>
    public Activation Activation { get; set; } = Activation.FromKind(BackpropDefaults.Activation);

    /// <summary>The loss, which also fixes the task and output transform; default <see cref="LossFunction.SquaredError"/>.</summary>
    public LossFunction Loss { get; set; } = LossFunction.SquaredError;

    /// <summary>The number of classes for softmax cross-entropy; default (<see langword="null"/>) the largest label + 1.</summary>
    public int? NumberOfClasses { get; set; }

    /// <summary>
    /// How the weights are drawn; default <see cref="WeightInitialization.GlorotUniform"/>, as in Keras and
    /// scikit-learn. For these shallow networks it trained better than He's rectifier scaling
    /// (<see cref="WeightInitialization.Automatic"/>): W1's test R² after 10 epochs 0.984 against 0.966.
    /// </summary>
    public WeightInitialization WeightInitialization { get; set; } = BackpropDefaults.WeightInitialization;

    /// <summary>The optimiser; default <see cref="AdamOptimizer"/> with β = (0.9, 0.999).</summary>
    public Optimizer Optimizer { get; set; } = new AdamOptimizer();

    /// <summary>The initial learning rate η, positive; default 0.001. L-BFGS ignores it.</summary>
    public float LearningRate { get; set; } = BackpropDefaults.LearningRate;

    /// <summary>How the rate changes over epochs; default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Rows per mini-batch, 1 or more (capped at the training rows; the last partial batch is kept); default 64.</summary>
    public int BatchSize { get; set; } = BackpropDefaults.BatchSize;

    /// <summary>The most passes over the training data (epochs; L-BFGS: iterations), 1 or more; default 400.</summary>
    public int NumberOfIterations { get; set; } = BackpropDefaults.NumberOfIterations;

    /// <summary>Shuffle the training rows before every epoch; default <see langword="true"/>.</summary>
    public bool Shuffle { get; set; } = BackpropDefaults.Shuffle;

    /// <summary>
    /// Streamed training (a <see cref="TrainingRowSource"/>) shuffles rows within a buffer of this many rows, 1 or more;
    /// default <see cref="BackpropDefaults.ShuffleBufferRows"/> (65,536). The buffer takes rows × features × 4 bytes; the
    /// larger it is, the closer each epoch's order comes to a full shuffle, which it is once the buffer holds every row.
    /// Rows in memory are always shuffled whole.
    /// </summary>
    public int ShuffleBufferRows { get; set; } = BackpropDefaults.ShuffleBufferRows;

    /// <summary>
    /// Streamed training also asks the source for its rows in a seeded order each epoch (its blocks, for a file that can
    /// read them so), when the buffer cannot hold every row; default <see langword="false"/>: the source's own order,
    /// shuffled within the buffer, as a shuffle buffer over a file usually works. Turn it on for data stored in an order
    /// (by time, by class) that a buffer's window would keep; an ML.NET binary file read so takes about twice the
    /// processor time to read.
    /// </summary>
    public bool ShuffleSource { get; set; }

    /// <summary>λ₁ of the L1 penalty λ₁·Σ|w| on weights (not biases), 0 or more; default 0.</summary>
    public float L1Regularization { get; set; } = BackpropDefaults.L1Regularization;

    /// <summary>
    /// λ₂ of the L2 penalty ½·λ₂·Σw² on weights (not biases), added to the mean loss; 0 or more. Default
    /// (<see langword="null"/>): chosen from the number of training rows by <see cref="BackpropDefaults.L2RegularizationFor"/>,
    /// 0.001 from 700 rows up, rising to 0.01 as the rows fall to 325.
    /// </summary>
    public float? L2Regularization { get; set; }

    /// <summary>
    /// The λ₂ a training set of <paramref name="trainingRowCount"/> rows is trained with: <see cref="L2Regularization"/>
    /// when it is set, else <see cref="BackpropDefaults.L2RegularizationFor"/> of the row count.
    /// </summary>
    /// <param name="trainingRowCount">The rows given to training, held-out rows included; 1 or more.</param>
    public float L2RegularizationFor(int trainingRowCount)
        => L2Regularization ?? BackpropDefaults.L2RegularizationFor(trainingRowCount);

    /// <summary>
    /// Decoupled weight decay λ: weights shrink by η·λ·w each step, apart from the gradient. Default
    /// (<see langword="null"/>): 0.01 for <see cref="AdamWOptimizer"/>, 0 for the others.
    /// </summary>
    public float? WeightDecay { get; set; }

    /// <summary>The probability of zeroing each hidden unit during training (inverted dropout), in [0, 1); default 0.</summary>
    public float Dropout { get; set; } = BackpropDefaults.Dropout;

    /// <summary>Rescale the gradient when its global L2 norm exceeds this, positive; default (<see langword="null"/>) no clipping.</summary>
    public float? GradientClipNorm { get; set; }

    /// <summary>
    /// The decay β of an exponential moving average of the weights taken at the end of every epoch
    /// (average ← β·average + (1 − β)·weights, starting from the first epoch's weights), in [0, 1); 0 turns it off. The
    /// average is what the validation rows score, what early stopping keeps and what the trained network holds; the
    /// optimiser goes on from its own weights, so the average smooths the epoch-to-epoch noise of mini-batch steps
    /// without slowing them. <see cref="EpochRecord.TrainingLoss"/> is the optimiser's, the validation figures the
    /// average's. A warm start continues from the network's weights, that is from the average (as Keras does when it
    /// writes its moving average into the model); set 0 for a warm start that takes exactly the steps of one longer run.
    /// Default (<see langword="null"/>): <see cref="BackpropDefaults.WeightAverageDecay"/> for mini-batch
    /// optimisers, 0 for L-BFGS, whose iterates converge without noise to smooth.
    /// </summary>
    public float? WeightAverageDecay { get; set; }

    /// <summary>
    /// The weight-average decay a run uses: <see cref="WeightAverageDecay"/> when it is set, else
    /// <see cref="BackpropDefaults.WeightAverageDecay"/> for a mini-batch optimiser and 0 for a full-batch one.
    /// </summary>
    public float WeightAverageDecayInUse
        => WeightAverageDecay ?? (Optimizer.IsFullBatch ? 0f : BackpropDefaults.WeightAverageDecay);

    /// <summary>
    /// Stop when the monitored value has not improved by <see cref="EarlyStoppingMinDelta"/> for
    /// <see cref="EarlyStoppingPatience"/> epochs, and keep the best epoch's weights; default <see langword="true"/>.
    /// The monitored value is the validation loss or <see cref="EarlyStoppingMetric"/> when there is validation data,
    /// else the training loss.
    /// </summary>
    public bool EarlyStopping { get; set; } = BackpropDefaults.EarlyStopping;

    /// <summary>Epochs without improvement before stopping, 1 or more; default 30.</summary>
    public int EarlyStoppingPatience { get; set; } = BackpropDefaults.EarlyStoppingPatience;

    /// <summary>The least decrease of the monitored value (or increase of a metric) that counts, 0 or more; default 1e-4.</summary>
    public double EarlyStoppingMinDelta { get; set; } = BackpropDefaults.EarlyStoppingMinDelta;

    /// <summary>
    /// What is monitored on validation data: <see cref="ValidationMetric.Loss"/> (the default), <see cref="ValidationMetric.RSquared"/>
    /// for regression, <see cref="ValidationMetric.Accuracy"/> for classifiers, <see cref="ValidationMetric.Auc"/> for binary ones.
    /// </summary>
    public ValidationMetric EarlyStoppingMetric { get; set; } = BackpropDefaults.EarlyStoppingMetric;

    /// <summary>
    /// When no validation set is given, hold out this fraction of the training rows for early stopping (seeded;
    /// stratified by class for classification), in [0, 1); default 0.2. 0 trains on every row and stops on the training
    /// loss instead.
    /// </summary>
    public float ValidationFraction { get; set; } = BackpropDefaults.ValidationFraction;

    /// <summary>
    /// When rows were held out for early stopping (<see cref="ValidationFraction"/> above 0, no validation set given,
    /// <see cref="EarlyStopping"/> on), train again from the same start on every row for the number of epochs that
    /// scored best, and return that network, so the held-out rows are learned from too. Its history is the second run's,
    /// with <see cref="StopReason.Refitted"/>; <see cref="EpochCompleted"/> sees the held-out run's epochs, then the
    /// second run's, numbered from the start again. Costs up to about twice the training time. Default
    /// (<see langword="null"/>): whenever the weights are averaged (<see cref="WeightAverageDecayInUse"/> above 0), else
    /// below 3,000 training rows (<see cref="BackpropDefaults.RefitOnAllRowsFor"/>); each member of an ensemble alike.
    /// </summary>
    public bool? RefitOnAllRows { get; set; }

    /// <summary>
    /// Whether a training set of <paramref name="trainingRowCount"/> rows is trained again on every row after early
    /// stopping: never when no rows are held out (<paramref name="validation"/> given, <see cref="EarlyStopping"/> off or
    /// <see cref="ValidationFraction"/> 0); else <see cref="RefitOnAllRows"/> when it is set, else
    /// <see cref="BackpropDefaults.RefitOnAllRowsFor"/> of the row count and whether the weights are averaged.
    /// </summary>
    /// <param name="trainingRowCount">The rows given to training, held-out rows included; 1 or more.</param>
    /// <param name="validation">The validation set the run is given, or <see langword="null"/> for none.</param>
    public bool RefitOnAllRowsFor(int trainingRowCount, TrainingData? validation = null)
        => HoldsOutRows(validation) && (RefitOnAllRows ?? BackpropDefaults.RefitOnAllRowsFor(trainingRowCount, WeightAverageDecayInUse > 0f));

    /// <summary>
    /// Train a regression network on a standardised label and map predictions back (see <see cref="LabelScaling"/>);
    /// default <see langword="true"/>. Ignored by losses with a non-identity output (Poisson, classification).
    /// </summary>
    public bool StandardizeLabel { get; set; } = BackpropDefaults.StandardizeLabel;

    /// <summary>
    /// How many networks <see cref="MlpTrainer.TrainEnsemble"/> trains and averages, 1 or more; default 1 (a single
    /// network, which <see cref="MlpTrainer.Train"/> trains). With rows held out (no validation set and
    /// <see cref="ValidationFraction"/> above 0), the training rows are split into
    /// max(k, round(1 / <see cref="ValidationFraction"/>)) seeded folds, stratified for classifiers, and member j holds
    /// out fold j (cross-validation bagging); otherwise every member trains on every row. Member j is seeded with
    /// <see cref="Seed"/> + j.
    /// </summary>
    public int NumberOfModels { get; set; } = BackpropDefaults.NumberOfModels;

    /// <summary>The seed of initialisation, shuffling, dropout and the validation split; default 0.</summary>
    public int Seed { get; set; }

    /// <summary>The most threads the kernels use; default (<see langword="null"/>) the processor count. Results do not depend on it.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Called after every epoch with its record, on the training thread; default none.</summary>
    public Action<EpochRecord>? EpochCompleted { get; set; }

    /// <summary>
    /// Measure every layer's gradients, weights, updates and dead or saturated units on a sample of each epoch's steps
    /// (<see cref="EpochRecord.Diagnostics"/>) and raise <see cref="TrainingWarning"/>s with advice when they show
    /// vanishing or exploding gradients, dead or saturated layers or oversized updates; default
    /// <see langword="true"/>. They change no trained value; turn them off only to time training without them.
    /// </summary>
    public bool Diagnostics { get; set; } = BackpropDefaults.Diagnostics;

    /// <summary>
    /// Called with each <see cref="TrainingWarning"/> as soon as it is raised, on the training thread (an exploding
    /// gradient is reported within the step that shows it, before any divergence); default none.
    /// </summary>
    public Action<TrainingWarning>? WarningRaised { get; set; }

    /// <summary>
    /// The held-out fold of one ensemble member: the training rows are split into <c>Count</c> folds by the ensemble's
    /// seed, and this member early-stops on fold <c>Index</c>. Null for a single network.
    /// </summary>
    internal BaggingFold? Fold { get; set; }

    /// <summary>
    /// The most memory a streamed run keeps its held-out rows' features in (else it reads the source again to score them
    /// each epoch): <see cref="SourceScan.HeldOutBytes"/>; tests lower it to compare the two.
    /// </summary>
    internal long HeldOutMemoryBytes { get; set; } = SourceScan.HeldOutBytes;

    /// <summary>Whether a run holds out some of its training rows for early stopping (no validation set given).</summary>
    internal bool HoldsOutRows(TrainingData? validation)
        => validation is null && EarlyStopping && (Fold is not null || ValidationFraction > 0f);

    /// <summary>A shallow copy: the same loss, optimiser, schedule and callback objects.</summary>
    internal MlpTrainerOptions Copy() => (MlpTrainerOptions)MemberwiseClone();

    /// <summary>Throws an exception naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (HiddenLayers is null)
            throw new ArgumentNullException(nameof(HiddenLayers), "HiddenLayers cannot be null; use an empty list for no hidden layer.");
        for (int i = 0; i < HiddenLayers.Count; i++)
            if (HiddenLayers[i] < 1)
                throw new ArgumentOutOfRangeException(nameof(HiddenLayers), HiddenLayers[i],
                    $"HiddenLayers[{i}] is {HiddenLayers[i]}; every hidden layer needs at least one unit.");
        long hiddenParameters = 0;
        for (int i = 1; i < HiddenLayers.Count; i++)
            hiddenParameters += ((long)HiddenLayers[i - 1] + 1) * HiddenLayers[i];
        if (hiddenParameters > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(HiddenLayers), $"[{string.Join(", ", HiddenLayers)}]",
                FormattableString.Invariant($"HiddenLayers [{string.Join(", ", HiddenLayers)}] need {hiddenParameters:N0} weights ") +
                "between them, more than one network can hold (2,147,483,647); use narrower layers.");
        NumericEmbedding?.Validate(nameof(NumericEmbedding));
        if (Loss is null)
            throw new ArgumentNullException(nameof(Loss), "Choose a loss, for example LossFunction.SquaredError.");
        if (Optimizer is null)
            throw new ArgumentNullException(nameof(Optimizer), "Choose an optimiser, for example new AdamOptimizer().");
        if (LearningRateSchedule is null)
            throw new ArgumentNullException(nameof(LearningRateSchedule), "Use LearningRateSchedule.Constant for a fixed rate.");
        if (NumberOfClasses is < 2)
            throw new ArgumentOutOfRangeException(nameof(NumberOfClasses), NumberOfClasses, "A classifier needs at least 2 classes.");
        if (!float.IsFinite(LearningRate) || LearningRate <= 0f)
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be a positive number, for example 0.001.");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1, for example 200.");
        if (ShuffleBufferRows < 1)
            throw new ArgumentOutOfRangeException(nameof(ShuffleBufferRows), ShuffleBufferRows, "ShuffleBufferRows must be at least 1, for example 65536.");
        if (NumberOfIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(NumberOfIterations), NumberOfIterations, "NumberOfIterations (epochs) must be at least 1, for example 400.");
        RequireNonNegative(L1Regularization, nameof(L1Regularization));
        if (L2Regularization is { } l2)
            RequireNonNegative(l2, nameof(L2Regularization));
        if (WeightDecay is { } decay)
            RequireNonNegative(decay, nameof(WeightDecay));
        if (!IsFraction(Dropout))
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout is a probability in [0, 1), for example 0.2.");
        if (WeightAverageDecay is { } averageDecay && !IsFraction(averageDecay))
            throw new ArgumentOutOfRangeException(nameof(WeightAverageDecay), averageDecay,
                "WeightAverageDecay must be in [0, 1), for example 0.9; 0 turns the weight average off, null takes the default.");
        if (GradientClipNorm is { } clip && (!float.IsFinite(clip) || clip <= 0f))
            throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), clip, "GradientClipNorm must be positive, for example 1, or null for none.");
        if (EarlyStoppingPatience < 1)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must be at least 1 epoch.");
        if (!double.IsFinite(EarlyStoppingMinDelta) || EarlyStoppingMinDelta < 0)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "EarlyStoppingMinDelta must be 0 or more.");
        if (!IsFraction(ValidationFraction))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1), for example 0.1.");
        if (NumberOfModels < 1)
            throw new ArgumentOutOfRangeException(nameof(NumberOfModels), NumberOfModels, "NumberOfModels must be at least 1, for example 5 for an ensemble.");
        if (NumberOfThreads is < 1)
            throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), NumberOfThreads, "NumberOfThreads must be at least 1, or null for all processors.");
        if (!Enum.IsDefined(EarlyStoppingMetric))
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMetric), EarlyStoppingMetric, "Unknown early-stopping metric.");
        if (!Enum.IsDefined(Normalization))
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "Unknown hidden normalisation; use None, Layer or Batch.");
        if (Normalization == HiddenNormalization.Batch && Optimizer is not MiniBatchOptimizer)
            throw new ArgumentException(
                $"Normalization Batch learns its statistics from mini-batches, but the optimiser {Optimizer.Name} takes full-batch steps; " +
                "use Layer normalisation, or a mini-batch optimiser such as Adam.", nameof(Normalization));
        if (!Enum.IsDefined(WeightInitialization))
            throw new ArgumentOutOfRangeException(nameof(WeightInitialization), WeightInitialization, "Unknown weight initialisation.");

        ValidationMetric[] applicable = Loss.IsClassification
            ? Loss.OutputTransform == OutputTransform.Sigmoid
                ? [ValidationMetric.Loss, ValidationMetric.Accuracy, ValidationMetric.Auc]
                : [ValidationMetric.Loss, ValidationMetric.Accuracy]
            : [ValidationMetric.Loss, ValidationMetric.RSquared];
        if (Array.IndexOf(applicable, EarlyStoppingMetric) < 0)
        {
            string task = !Loss.IsClassification ? "regression"
                : Loss.OutputTransform == OutputTransform.Sigmoid ? "binary classification" : "multiclass classification";
            throw new ArgumentException(
                $"EarlyStoppingMetric {EarlyStoppingMetric} does not apply to {task} (the loss {Loss.Name}); use one of {string.Join(", ", applicable)}.",
                nameof(EarlyStoppingMetric));
        }

        if (Optimizer.IsFullBatch)
        {
            if (Dropout > 0f)
                throw new ArgumentException("Dropout cannot be used with L-BFGS, whose line search needs a fixed objective; use Adam or SGD, or set Dropout to 0.", nameof(Dropout));
            if (WeightDecay > 0f)
                throw new ArgumentException("WeightDecay is decoupled from the gradient and cannot be used with L-BFGS; use L2Regularization instead.", nameof(WeightDecay));
            if (GradientClipNorm is not null)
                throw new ArgumentException("GradientClipNorm cannot be used with L-BFGS, whose line search controls the step; leave it null.", nameof(GradientClipNorm));
            if (WeightAverageDecay > 0f)
                throw new ArgumentException(
                    "WeightAverageDecay smooths the noise of mini-batch steps, which L-BFGS does not take; leave it null or 0, or use Adam or SGD.",
                    nameof(WeightAverageDecay));
        }
    }

    /// <summary>Whether <paramref name="value"/> lies in [0, 1): a dropout rate, a held-out share, an average's decay.</summary>
    private static bool IsFraction(float value) => float.IsFinite(value) && value >= 0f && value < 1f;

    private static void RequireNonNegative(float value, string name)
    {
        if (!float.IsFinite(value) || value < 0f)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be 0 or more.");
    }
}
