using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests.Support;

/// <summary>A small shipped dataset per task and a quick Backprop trainer for it, for tests that cover all three tasks alike.</summary>
internal static class TaskSetups
{
    public static TabularDataset Dataset(LabelTask task) => task switch
    {
        LabelTask.Binary => TabularDataset.BreastCancer,
        LabelTask.Multiclass => TabularDataset.Iris,
        _ => TabularDataset.Sacramento,
    };

    /// <summary>The featurizer and a Backprop trainer with <see cref="QuickOptions"/> changed by <paramref name="configure"/>.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, LabelTask task, Action<BackpropTrainerOptionsBase> configure, int iterations = 10)
    {
        var dataset = Dataset(task);
        IEstimator<ITransformer> trainer;
        switch (task)
        {
            case LabelTask.Binary:
                var binary = QuickOptions.For<BackpropBinaryTrainer.Options>(dataset.Label, iterations);
                configure(binary);
                trainer = ml.BinaryClassification.Trainers.Backprop(binary);
                break;
            case LabelTask.Multiclass:
                var multiclass = QuickOptions.For<BackpropMulticlassTrainer.Options>(dataset.Label, iterations);
                configure(multiclass);
                trainer = ml.MulticlassClassification.Trainers.Backprop(multiclass);
                break;
            default:
                var regression = QuickOptions.For<BackpropRegressionTrainer.Options>(dataset.Label, iterations);
                configure(regression);
                trainer = ml.Regression.Trainers.Backprop(regression);
                break;
        }
        return dataset.Featurizer(ml).Append(trainer);
    }

    /// <summary>The model parameters of a fitted trainer, alone or at the end of a pipeline.</summary>
    public static IBackpropModelParameters Parameters(ITransformer model)
        => (model is IEnumerable<ITransformer> chain ? chain.Last() : model) is ISingleFeaturePredictionTransformer<IBackpropModelParameters> trainer
            ? trainer.Model
            : throw new InvalidOperationException($"{model} does not end in a Backprop model.");

    /// <summary>Every score of every row, a row per array (one value for regression and binary, one per class for multiclass).</summary>
    public static float[][] Scores(IDataView scored) => scored.Schema["Score"].Type is VectorDataViewType
        ? scored.GetColumn<float[]>("Score").ToArray()
        : scored.GetColumn<float>("Score").Select(s => new[] { s }).ToArray();
}
