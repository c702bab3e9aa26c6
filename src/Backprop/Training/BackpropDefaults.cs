namespace Backprop;

/// <summary>
/// The default of every training option, in one place: the engine's <see cref="MlpTrainerOptions"/>, the ML.NET
/// trainers' options and catalog parameters, and the comparison's default candidate all take their values from here.
/// </summary>
/// <remarks>
/// Chosen by 5-fold cross-validation on real tabular datasets: ReLU layers of 128 and 64 units for regression and one
/// of 256 for classification, Glorot-uniform initial weights, Adam at 0.001 on batches of 64, an L2 penalty that grows
/// as the rows fall below 700 (<see cref="L2RegularizationFor"/>), a regression label standardised inside the model,
/// and early stopping after 30 epochs without improvement on 20 % of the training rows held out (at most 400 epochs),
/// keeping the best epoch's weights, then training again on every row for the epoch count that scored best
/// (<see cref="RefitOnAllRowsFor"/>); throughout, the weights kept are a moving average over epochs
/// (<see cref="WeightAverageDecay"/>).
/// </remarks>
public static class BackpropDefaults
{
    /// <summary>The hidden layers of a regression network: { 128, 64 }.</summary>
    public static IReadOnlyList<int> RegressionHiddenLayers { get; } = [128, 64];

    /// <summary>
    /// The hidden layers of a classifier, binary or multiclass: { 256 }. On 5 folds one wider layer scored as well or
    /// better by AUC, accuracy and macro accuracy on every classification set measured (Fashion-MNIST macro accuracy
    /// 0.802 → 0.816, wine 0.977 → 0.985), though log-loss rose on banknote (0.004 → 0.012) and ionosphere
    /// (0.361 → 0.383); as a regression default it lost R² on California housing (0.799 → 0.780).
    /// </summary>
    public static IReadOnlyList<int> ClassifierHiddenLayers { get; } = [256];

    /// <summary>The hidden layers' activation: <see cref="ActivationKind.ReLU"/>.</summary>
    public const ActivationKind Activation = ActivationKind.ReLU;

    /// <summary>
    /// How initial weights are drawn: <see cref="Backprop.WeightInitialization.GlorotUniform"/> (Keras's and
    /// scikit-learn's). He's rectifier scaling scored no better on any dataset measured, and worse on most.
    /// </summary>
    public const WeightInitialization WeightInitialization = Backprop.WeightInitialization.GlorotUniform;

    /// <summary>The initial learning rate: 0.001 (Adam's usual).</summary>
    public const float LearningRate = 0.001f;

    /// <summary>Rows per mini-batch: 64.</summary>
    public const int BatchSize = 64;

    /// <summary>The most passes over the training data (epochs; L-BFGS: iterations): 400.</summary>
    public const int NumberOfIterations = 400;

    /// <summary>Whether the training rows are shuffled before every epoch: yes.</summary>
    public const bool Shuffle = true;

    /// <summary>λ₁ of the L1 penalty: 0.</summary>
    public const float L1Regularization = 0f;

    /// <summary>
    /// λ₂ of the L2 penalty when the option is left unset (<see langword="null"/>), from the number n of rows given to
    /// training (before any are held out for early stopping): 0.001 from 700 rows up, 0.001 × (700 / n)³ below, at most
    /// 0.01 (reached near 325 rows). Fewer rows need a stronger penalty. Chosen on the benchmark suite's selection sets:
    /// on those under 1,000 rows, 0.01 scored better than 0.001 on 7 of 8, but it cost the larger sets (California
    /// housing R² 0.798 → 0.755), even 0.002–0.003 cost airfoil (1,200 training rows) and digits (1,440), and the
    /// energy set (614 training rows) lost R² at 0.01 (0.995 → 0.989); the penalty therefore stays at 0.001 down to
    /// 700 rows and climbs steeply below.
    /// </summary>
    /// <param name="trainingRowCount">The number of training rows, 1 or more.</param>
    public static float L2RegularizationFor(int trainingRowCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingRowCount, 1);
        float shortfall = 700f / trainingRowCount;
        return Math.Min(1e-2f, 1e-3f * Math.Max(1f, shortfall * shortfall * shortfall));
    }

    /// <summary>
    /// The decay of the weight average a mini-batch optimiser's run keeps when <c>WeightAverageDecay</c> is left unset: 0.9,
    /// an average over about the last ten epochs. Chosen on the benchmark suite's selection sets: against no average it
    /// scored better on 12 of the 18 and worse on 2 (by less than 0.002; red wine R² 0.372 → 0.388, California housing
    /// 0.798 → 0.803, airfoil 0.938 → 0.945), and it had the best mean rank of the decays 0.7, 0.9, 0.95 and 0.98.
    /// </summary>
    public const float WeightAverageDecay = 0.9f;

    /// <summary>The dropout rate of the hidden units: 0.</summary>
    public const float Dropout = 0f;

    /// <summary>Whether to stop when the monitored value stops improving, keeping the best epoch: yes.</summary>
    public const bool EarlyStopping = true;

    /// <summary>Epochs without improvement before early stopping: 30.</summary>
    public const int EarlyStoppingPatience = 30;

    /// <summary>The least improvement that counts for early stopping: 0.0001.</summary>
    public const double EarlyStoppingMinDelta = 1e-4;

    /// <summary>What early stopping watches on the validation rows: <see cref="ValidationMetric.Loss"/>.</summary>
    public const ValidationMetric EarlyStoppingMetric = ValidationMetric.Loss;

    /// <summary>The fraction of training rows held out for early stopping when no validation set is given: 0.2.</summary>
    public const float ValidationFraction = 0.2f;

    /// <summary>
    /// The row count below which a network whose weights are not averaged is trained again on every row when
    /// <c>RefitOnAllRows</c> is left unset: 3,000 rows given to training (see <see cref="RefitOnAllRowsFor"/>).
    /// </summary>
    public const int RefitRowLimit = 3000;

    /// <summary>
    /// Whether to train again on every row, for the epoch count early stopping chose, when <c>RefitOnAllRows</c> is left
    /// unset (<see langword="null"/>): always when the weights are averaged over epochs (<see cref="WeightAverageDecay"/>,
    /// the default of the mini-batch optimisers), else below <see cref="RefitRowLimit"/> rows given to training (before
    /// any are held out). Chosen on the benchmark suite's selection sets. Without the average, the refit scored better on
    /// 9 of the 13 sets under 3,000 rows (auto MPG R² 0.712 → 0.739, airfoil 0.929 → 0.938), but worse on 4 of the 5
    /// larger ones (white wine 0.406 → 0.398, California housing 0.798 → 0.796): the best epoch of a noisy held-out
    /// curve is partly luck, and its count carries over poorly. With the average the curve is smooth, and the refit
    /// scored better on all 5 larger sets (white wine 0.414 → 0.425, abalone 0.570 → 0.575, California housing
    /// 0.803 → 0.806). It costs up to about twice the training time.
    /// </summary>
    /// <param name="trainingRowCount">The number of rows given to training, 1 or more.</param>
    /// <param name="weightsAveraged">Whether the run averages its weights over epochs.</param>
    public static bool RefitOnAllRowsFor(int trainingRowCount, bool weightsAveraged)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingRowCount, 1);
        return weightsAveraged || trainingRowCount < RefitRowLimit;
    }

    /// <summary>How many networks a trainer averages: 1.</summary>
    public const int NumberOfModels = 1;

    /// <summary>
    /// The ensemble size to set (<c>NumberOfModels</c>) when accuracy matters more than training time: 5. On the 18
    /// selection datasets of the benchmark suite (5-fold cross-validation), five networks scored best or tied best on
    /// 16, with a mean rank of 1.25 against 1.89 for three and 2.86 for one, for about three times one network's fit
    /// time on two cores. One network stays the default because an ensemble's fit time would be several times
    /// gradient-boosted trees'.
    /// </summary>
    public const int RecommendedNumberOfModels = 5;

    /// <summary>Whether hidden layers after the first have residual connections: no.</summary>
    public const bool Residual = false;

    /// <summary>How hidden layers are normalised: <see cref="HiddenNormalization.None"/>.</summary>
    public const HiddenNormalization Normalization = HiddenNormalization.None;

    /// <summary>Whether training measures every layer's health and warns about it: yes.</summary>
    public const bool Diagnostics = true;

    /// <summary>Whether a regression label is standardised inside the model: yes.</summary>
    public const bool StandardizeLabel = true;

    /// <summary>How the ML.NET trainers scale the features inside the model: <see cref="Backprop.FeatureScaling.Standard"/>.</summary>
    public const FeatureScaling FeatureScaling = Backprop.FeatureScaling.Standard;

    /// <summary>
    /// The rows a streamed epoch shuffles at a time: 65,536, a few megabytes for tabular rows (8 MB at 32 features), enough
    /// that each batch of the defaults mixes rows from across a thousand batches' worth of the source.
    /// </summary>
    public const int ShuffleBufferRows = 65_536;

    /// <summary>
    /// The size above which the ML.NET trainers stream their training data instead of copying it into memory: 2,048 MB of
    /// features (rows × features × 4 bytes), for example 16 million rows of 32 features.
    /// </summary>
    public const long StreamingThresholdMegabytes = 2048;
}
