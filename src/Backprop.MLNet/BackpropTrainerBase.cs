// Over 250 lines on purpose: ML.NET's trainer contract (the three Fit overloads, the output schema,
// TrainModelCore) and the input checks with their messages belong together, since each Fit path checks its inputs
// before ML.NET's base class sees them.
using Backprop.MLNet.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Backprop.MLNet;

/// <summary>
/// What the Backprop trainers of every task share: reading the data into the engine's arrays with clear errors,
/// mapping the options, validation sets, warm starts, seeding, progress in <c>mlContext.Log</c> and cancellation.
/// The task (regression, binary, multiclass) supplies the label reading, the loss and the model parameters.
/// </summary>
/// <typeparam name="TTransformer">The prediction transformer <c>Fit</c> returns.</typeparam>
/// <typeparam name="TModel">The trained model parameters.</typeparam>
/// <typeparam name="TOptions">The task's options.</typeparam>
public abstract class BackpropTrainerBase<TTransformer, TModel, TOptions> : TrainerEstimatorBase<TTransformer, TModel>, IEstimator<TTransformer>
    where TTransformer : ISingleFeaturePredictionTransformer<TModel>
    where TModel : class, IPredictor, IBackpropModelParameters
    where TOptions : BackpropTrainerOptionsBase
{
    private protected BackpropTrainerBase(IHostEnvironment env, TOptions options, string name, SchemaShape.Column label)
        : base(Contracts.CheckRef(env, nameof(env)).Register(name),
               TrainerUtils.MakeR4VecFeature(CheckOptions(options).FeatureColumnName),
               label,
               TrainerUtils.MakeR4ScalarWeightColumn(options.ExampleWeightColumnName))
    {
        TrainerOptions = options;
        // Map and validate now, so a bad option fails when the trainer is made rather than at Fit; the engine's
        // messages name the options as the user wrote them, since both layers use the same names.
        CreateEngineOptions(seed: 0).Validate();
    }

    /// <summary>
    /// Backprop benefits from normalised features, reads its data once into memory (so ML.NET need not cache it),
    /// accepts a validation set and continues from trained parameters.
    /// </summary>
    public override TrainerInfo Info { get; } = new(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: true);

    /// <summary>The options this trainer was made with.</summary>
    private protected TOptions TrainerOptions { get; }

    /// <summary>Trains on <paramref name="input"/>, first checking its columns with messages that name the column and the fix.</summary>
    /// <param name="input">The training data.</param>
    public new TTransformer Fit(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        CheckSchema(input.Schema);
        return TrainTransformer(input);
    }

    /// <summary>Trains with early stopping on <paramref name="validationData"/> instead of a held-out fraction of the training rows.</summary>
    /// <param name="trainData">The training data.</param>
    /// <param name="validationData">Data with the same feature and label columns, watched for early stopping and recorded in the history.</param>
    public TTransformer Fit(IDataView trainData, IDataView validationData)
    {
        Host.CheckValue(trainData, nameof(trainData));
        Host.CheckValue(validationData, nameof(validationData));
        CheckSchema(trainData.Schema);
        CheckSchema(validationData.Schema);
        return TrainTransformer(trainData, validationSet: validationData);
    }

    /// <summary>
    /// Continues training <paramref name="modelParameters"/> (warm start): weights, optimiser moments, step count,
    /// learning-rate schedule and history carry on, so two fits of n iterations match one of 2n.
    /// </summary>
    /// <param name="trainData">The training data, with the feature size the model was trained on.</param>
    /// <param name="modelParameters">Parameters from an earlier <c>Fit</c> of a trainer of the same task and network shape.</param>
    public TTransformer Fit(IDataView trainData, TModel modelParameters)
    {
        Host.CheckValue(trainData, nameof(trainData));
        Host.CheckValue(modelParameters, nameof(modelParameters));
        CheckSchema(trainData.Schema);
        return TrainTransformer(trainData, initPredictor: modelParameters);
    }

    /// <summary>A short name of the task for messages, such as "regression".</summary>
    private protected abstract string TaskName { get; }

    /// <summary>Throws a message saying what label type the task needs and how to get it, unless <paramref name="type"/> is one.</summary>
    private protected abstract void CheckLabelType(string column, DataViewType type);

    /// <summary>Reads the label as the engine's float.</summary>
    private protected abstract LabelGetterFactory LabelGetter { get; }

    /// <summary>The engine options that depend on the task alone: the loss and label standardisation.</summary>
    private protected abstract void ConfigureTask(MlpTrainerOptions engineOptions);

    /// <summary>Whether <see cref="ConfigureForData"/> looks at each label value's count (classifiers); default no.</summary>
    private protected virtual bool CountsLabels => false;

    /// <summary>
    /// Checks the labels that were read (a classifier needs two classes; validation classes must occur in training)
    /// and sets what depends on the data, such as the class count. Does nothing by default.
    /// </summary>
    /// <param name="engineOptions">The options the engine will train with.</param>
    /// <param name="label">The training data's label column.</param>
    /// <param name="training">The training labels as read.</param>
    /// <param name="validation">The validation labels as read, or <see langword="null"/>.</param>
    /// <param name="initial">The model a warm start continues, or <see langword="null"/>.</param>
    private protected virtual void ConfigureForData(MlpTrainerOptions engineOptions, DataViewSchema.Column label,
        LabelSummary training, LabelSummary? validation, TModel? initial)
    {
    }

    /// <summary>Wraps the trained network or ensemble.</summary>
    private protected abstract TModel CreateModel(MlpEnsemble ensemble, FeatureStandardization? standardization);

    /// <inheritdoc/>
    protected override void CheckLabelCompatible(SchemaShape.Column labelColumn)
    {
        if (labelColumn.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw Host.Except($"The label column '{labelColumn.Name}' is a vector; Backprop {TaskName} needs a single value per row.");
        CheckLabelType(labelColumn.Name, labelColumn.IsKey ? new KeyDataViewType(typeof(uint), 1) : labelColumn.ItemType);
    }

    /// <summary>
    /// Checks the input columns with messages that name the column and the fix, then describes the output columns.
    /// (Re-implements <see cref="IEstimator{TTransformer}.GetOutputSchema"/>, which ML.NET's base does not let a
    /// trainer override.)
    /// </summary>
    public new SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        CheckColumnPresent(inputSchema.TryFindColumn(FeatureColumn.Name, out var features), "feature", FeatureColumn.Name,
            inputSchema.Select(c => c.Name));
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw Host.Except(FeatureTypeMessage(FeatureColumn.Name, features.Kind == SchemaShape.Column.VectorKind.Scalar ? features.ItemType.ToString()! : $"a {features.Kind} of {features.ItemType}"));
        CheckColumnPresent(inputSchema.TryFindColumn(LabelColumn.Name, out _), "label", LabelColumn.Name, inputSchema.Select(c => c.Name));
        if (WeightColumn.IsValid)
            CheckColumnPresent(inputSchema.TryFindColumn(WeightColumn.Name, out _), "example weight", WeightColumn.Name, inputSchema.Select(c => c.Name));
        return base.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    protected override TModel TrainModelCore(TrainContext context)
    {
        Host.CheckValue(context, nameof(context));
        TModel? initial = null;
        if (context.InitialPredictor is not null)
        {
            initial = context.InitialPredictor as TModel ?? throw Host.ExceptParam(nameof(context),
                $"Warm start needs {typeof(TModel).Name} from an earlier Backprop {TaskName} fit, not {context.InitialPredictor.GetType().Name}.");
        }

        using var channel = Host.Start("Training");
        RoleMappedData trainingSet = context.TrainingSet;
        int featureCount = DataViewReader.FeatureCount(trainingSet);
        if (initial is not null && initial.FeatureCount != featureCount)
            throw Host.Except(
                $"Warm start: the model was trained on {initial.FeatureCount} features but the feature column " +
                $"'{FeatureColumn.Name}' has {featureCount}. Use the featurization the model was trained with.");
        // ML.NET's convention: an explicit seed wins, else the MLContext's seeded random source decides.
        var engineOptions = CreateEngineOptions(TrainerOptions.Seed ?? Host.Rand.Next());

        // Rows in memory are standardised in place; streamed rows as each cursor reads them. A warm start keeps the
        // standardisation the network was trained with.
        TrainingData? inMemory = null;
        TrainingRowSource? streamed = null;
        FeatureStandardization? standardization;
        LabelSummary trainingLabels;
        if (Streams(trainingSet, featureCount, out long? rowCount))
        {
            var fitter = new FeatureStandardization.Fitter(featureCount, keepsSample: TrainerOptions.FeatureScaling == FeatureScaling.Robust, engineOptions.Seed);
            trainingLabels = DataViewReader.Scan(trainingSet, LabelGetter, "training data", Host.CheckAlive, CountsLabels, (row, _, _) => fitter.Add(row));
            standardization = initial is not null ? initial.Standardization : fitter.Fit(TrainerOptions.FeatureScaling);
            streamed = new DataViewRowSource(trainingSet, LabelGetter, standardization, Host.CheckAlive);
        }
        else
        {
            (inMemory, trainingLabels) = DataViewReader.Read(trainingSet, LabelGetter, "training data", Host.CheckAlive, CountsLabels, rowCount);
            standardization = initial is not null ? initial.Standardization : FeatureStandardization.Fit(inMemory, TrainerOptions.FeatureScaling);
            standardization?.Apply(inMemory.Features);
        }
        TrainingData? validation = null;
        LabelSummary? validationLabels = null;
        if (context.ValidationSet is { } validationSet)
        {
            CheckValidationSchema(trainingSet.Schema, validationSet.Schema);
            (validation, validationLabels) = DataViewReader.Read(validationSet, LabelGetter, "validation data", Host.CheckAlive, CountsLabels);
            standardization?.Apply(validation.Features);
        }

        ConfigureForData(engineOptions, trainingSet.Schema.Label!.Value, trainingLabels, validationLabels, initial);
        using var progress = new TrainingProgress(Host, channel, engineOptions.NumberOfIterations + (initial?.Network.History.Epochs.Count ?? 0),
            engineOptions.NumberOfModels);
        int rows = (int)Math.Min(int.MaxValue, trainingLabels.RowCount);
        channel.Info(
            $"Backprop {TaskName}: {trainingLabels.RowCount} rows × {featureCount} features" +
            (streamed is not null ? $" streamed through a shuffle buffer of {engineOptions.ShuffleBufferRows} rows" : "") +
            $", hidden layers [{string.Join(", ", engineOptions.HiddenLayers)}] {engineOptions.Activation}, " +
            (engineOptions.NumericEmbedding is { } embedding ? $"{embedding} embedding, " : "") +
            $"{engineOptions.Loss.Name} loss, " +
            $"{engineOptions.Optimizer.Name} at {engineOptions.LearningRate}, batch {engineOptions.BatchSize}, " +
            $"L2 {engineOptions.L2RegularizationFor(rows):G3}" +
            (engineOptions.L2Regularization is null ? $" (for {rows} rows), " : ", ") +
            (engineOptions.WeightAverageDecayInUse > 0f ? $"weights averaged over epochs (decay {engineOptions.WeightAverageDecayInUse}), " : "") +
            $"up to {engineOptions.NumberOfIterations} epochs" +
            (engineOptions.RefitOnAllRowsFor(rows, validation) ? " then a refit on every row" : "") +
            $", seed {engineOptions.Seed}" +
            (engineOptions.NumberOfModels > 1 ? $", an ensemble of {engineOptions.NumberOfModels} networks" : "") +
            (validation is not null ? $", early stopping on {validation.RowCount} validation rows." : "."));

        // The user's callback (TrainerOptions.EpochCompleted, copied into the engine options) sees every member's
        // epochs; the progress report names the member.
        var trainer = new MlpTrainer(engineOptions);
        MlpEnsemble ensemble = streamed is not null
            ? trainer.TrainEnsembleStreamed(streamed, validation, initial?.Ensemble, memberEpochCompleted: progress.EpochCompleted)
            : trainer.TrainEnsemble(inMemory!, validation, initial?.Ensemble, memberEpochCompleted: progress.EpochCompleted);
        progress.Completed(ensemble);
        return CreateModel(ensemble, standardization);
    }

    /// <summary>
    /// Whether to stream the training data: as <see cref="BackpropTrainerOptionsBase.Streaming"/> says, or by default when
    /// its features would take more than <see cref="BackpropTrainerOptionsBase.StreamingThresholdMegabytes"/> in memory
    /// (a view that cannot say how many rows it has is counted first, as reading it into memory would).
    /// </summary>
    /// <param name="data">The training data.</param>
    /// <param name="featureCount">Its features per row.</param>
    /// <param name="rowCount">Its row count when it was needed to decide, else <see langword="null"/>.</param>
    private bool Streams(RoleMappedData data, int featureCount, out long? rowCount)
    {
        rowCount = null;
        if (TrainerOptions.Streaming is { } chosen)
            return chosen;
        rowCount = data.Data.GetRowCount() ?? DataViewReader.CountRows(data.Data, Host.CheckAlive);
        return rowCount * featureCount * (double)sizeof(float) > TrainerOptions.StreamingThresholdMegabytes * 1024.0 * 1024.0;
    }

    // Option for option, under the same names (a test checks that every engine option is mapped or deliberately not
    // exposed). The task's loss and label handling come from ConfigureTask, the data-dependent class count from
    // ConfigureForData; the options are validated by the caller and again by the engine when training starts.
    internal MlpTrainerOptions CreateEngineOptions(int seed)
    {
        var o = TrainerOptions;
        var engineOptions = new MlpTrainerOptions
        {
            HiddenLayers = o.HiddenLayers?.ToArray()!,
            NumericEmbedding = o.NumericEmbedding,
            Residual = o.Residual,
            Normalization = o.Normalization,
            Activation = o.Activation,
            WeightInitialization = o.WeightInitialization,
            Optimizer = o.Optimizer,
            LearningRate = o.LearningRate,
            LearningRateSchedule = o.LearningRateSchedule,
            BatchSize = o.BatchSize,
            NumberOfIterations = o.NumberOfIterations,
            Shuffle = o.Shuffle,
            L1Regularization = o.L1Regularization,
            L2Regularization = o.L2Regularization,
            WeightDecay = o.WeightDecay,
            Dropout = o.Dropout,
            GradientClipNorm = o.GradientClipNorm,
            WeightAverageDecay = o.WeightAverageDecay,
            EarlyStopping = o.EarlyStopping,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            EarlyStoppingMinDelta = o.EarlyStoppingMinDelta,
            EarlyStoppingMetric = o.EarlyStoppingMetric,
            ValidationFraction = o.ValidationFraction,
            RefitOnAllRows = o.RefitOnAllRows,
            NumberOfModels = o.NumberOfModels,
            EpochCompleted = o.EpochCompleted,
            Diagnostics = o.Diagnostics,
            WarningRaised = o.WarningRaised,
            NumberOfThreads = o.NumberOfThreads,
            ShuffleBufferRows = o.ShuffleBufferRows,
            ShuffleSource = o.ShuffleSource,
            Seed = seed,
        };
        ConfigureTask(engineOptions);
        return engineOptions;
    }

    private static TOptions CheckOptions(TOptions options)
    {
        Contracts.CheckValue(options, nameof(options));
        // The options the engine does not see are checked here; the engine checks the rest.
        if (!Enum.IsDefined(options.FeatureScaling))
            throw new ArgumentOutOfRangeException(nameof(options.FeatureScaling), options.FeatureScaling,
                "Unknown FeatureScaling; use None, Standard or Robust.");
        if (options.StreamingThresholdMegabytes < 0)
            throw new ArgumentOutOfRangeException(nameof(options.StreamingThresholdMegabytes), options.StreamingThresholdMegabytes,
                "StreamingThresholdMegabytes must be 0 or more, for example 2048.");
        return options;
    }

    private void CheckSchema(DataViewSchema schema)
    {
        var names = schema.Select(c => c.Name);
        var features = schema.GetColumnOrNull(FeatureColumn.Name);
        CheckColumnPresent(features is not null, "feature", FeatureColumn.Name, names);
        if (features!.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType n, IsKnownSize: true } || n != NumberDataViewType.Single)
            throw Host.Except(FeatureTypeMessage(FeatureColumn.Name, features.Value.Type.ToString()!));
        var label = schema.GetColumnOrNull(LabelColumn.Name);
        CheckColumnPresent(label is not null, "label", LabelColumn.Name, names);
        CheckLabelType(LabelColumn.Name, label!.Value.Type);
        if (WeightColumn.IsValid)
        {
            var weight = schema.GetColumnOrNull(WeightColumn.Name);
            CheckColumnPresent(weight is not null, "example weight", WeightColumn.Name, names);
            if (weight!.Value.Type != NumberDataViewType.Single)
                throw Host.Except($"The example weight column '{WeightColumn.Name}' holds {weight.Value.Type}; it must be a Single (float). " +
                    $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{WeightColumn.Name}\", outputKind: DataKind.Single).");
        }
    }

    private void CheckValidationSchema(RoleMappedSchema training, RoleMappedSchema validation)
    {
        var trainingFeatures = training.Feature!.Value.Type;
        var validationFeatures = validation.Feature!.Value.Type;
        if (!trainingFeatures.Equals(validationFeatures))
            throw Host.Except(
                $"The validation data's feature column '{FeatureColumn.Name}' is {validationFeatures} but the training data's is " +
                $"{trainingFeatures}. Transform the validation data with the pipeline fitted on the training data.");
        var trainingLabel = training.Label!.Value.Type;
        var validationLabel = validation.Label!.Value.Type;
        if (!trainingLabel.Equals(validationLabel))
            throw Host.Except(
                $"The validation data's label column '{LabelColumn.Name}' is {validationLabel} but the training data's is {trainingLabel}.");
    }

    private void CheckColumnPresent(bool found, string role, string name, IEnumerable<string> available)
    {
        if (!found)
            throw new ArgumentOutOfRangeException("inputSchema",
                $"The {role} column '{name}' is not in the data, whose columns are: " +
                $"{string.Join(", ", available.Distinct().Select(c => $"'{c}'"))}. Name the right one in the trainer's options " +
                $"or create it earlier in the pipeline.");
    }

    private static string FeatureTypeMessage(string column, string? actual)
        => $"The feature column '{column}' is {actual}; Backprop needs a vector of Single (float) of known size. " +
           $"Build it with mlContext.Transforms.Concatenate(\"{column}\", ...) of numeric columns, converting others " +
           "with Conversion.ConvertType, Categorical.OneHotEncoding or Text.FeaturizeText.";
}
