using Backprop.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Tests;

/// <summary>
/// Streaming (<see cref="BackpropTrainerOptionsBase.Streaming"/>): with a buffer that holds every row and no rows held
/// out, every task and both scalings give the model trained in memory, bit for bit; the default streams above the
/// threshold; a model streamed with rows held out by hash is as good and repeats exactly; bad data and L-BFGS are refused
/// with the column or option named.
/// </summary>
public class StreamingTests
{
    public static TheoryData<LabelTask, FeatureScaling> TasksAndScalings => new()
    {
        { LabelTask.Regression, FeatureScaling.Standard },
        { LabelTask.Regression, FeatureScaling.Robust },
        { LabelTask.Binary, FeatureScaling.Standard },
        { LabelTask.Multiclass, FeatureScaling.Robust },
    };

    [Theory]
    [MemberData(nameof(TasksAndScalings))]
    public void A_buffer_that_holds_every_row_gives_the_model_trained_in_memory(LabelTask task, FeatureScaling scaling)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TaskSetups.Dataset(task).Load(ml);
        ITransformer Fit(bool streaming) => TaskSetups.Pipeline(ml, task, o =>
        {
            (o.Streaming, o.FeatureScaling, o.ValidationFraction, o.ShuffleBufferRows) = (streaming, scaling, 0f, 100_000);
        }).Fit(data);

        float[][] inMemory = TaskSetups.Scores(Fit(streaming: false).Transform(data));
        float[][] streamed = TaskSetups.Scores(Fit(streaming: true).Transform(data));

        Assert.Equal(inMemory, streamed);
    }

    [Fact]
    public void The_default_streams_above_the_threshold_and_a_streamed_model_repeats_exactly()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Backprop regression:")) lock (lines) lines.Add(e.Message); };
        IDataView data = TabularDataset.Sacramento.Load(ml);
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 3);
        ITransformer Fit(long thresholdMegabytes) => TaskSetups.Pipeline(ml, LabelTask.Regression, o =>
        {
            (o.StreamingThresholdMegabytes, o.ShuffleBufferRows, o.Seed) = (thresholdMegabytes, 64, 5);
            o.HiddenLayers = [32, 16];
        }, iterations: 60).Fit(split.TrainSet);
        double RSquared(ITransformer model) => ml.Regression.Evaluate(model.Transform(split.TestSet), TabularDataset.Sacramento.Label).RSquared;

        ITransformer streamed = Fit(thresholdMegabytes: 0);
        ITransformer again = Fit(thresholdMegabytes: 0);
        ITransformer inMemory = Fit(thresholdMegabytes: BackpropDefaults.StreamingThresholdMegabytes);

        Assert.Contains("streamed through a shuffle buffer of 64 rows", lines[0]);
        Assert.DoesNotContain("streamed", lines[2]);
        Assert.Equal(TaskSetups.Scores(streamed.Transform(split.TestSet)), TaskSetups.Scores(again.Transform(split.TestSet)));
        double streamedR2 = RSquared(streamed), inMemoryR2 = RSquared(inMemory);
        Assert.True(streamedR2 > 0.6, $"streamed test R² {streamedR2:F3}");
        Assert.True(Math.Abs(streamedR2 - inMemoryR2) < 0.05, $"streamed test R² {streamedR2:F3}, in memory {inMemoryR2:F3}");
    }

    private sealed class Row
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private static IDataView Rows(MLContext ml, int count, Func<int, float[]> features) => ml.Data.LoadFromEnumerable(
        Enumerable.Range(0, count).Select(i => new Row { Features = features(i), Label = i % 7 }).ToArray());

    [Fact]
    public void Streamed_data_with_missing_values_is_refused_with_the_message_rows_in_memory_get()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows(ml, 50, i => i % 10 == 3 ? [1f, float.NaN, 2f] : [1f, i, 2f]);
        string Message(bool streaming) => Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { HiddenLayers = [4], NumberOfIterations = 2, Streaming = streaming }).Fit(data)).Message;

        string streamed = Message(streaming: true);

        Assert.Equal(Message(streaming: false), streamed);
        Assert.Contains("'Features'", streamed);
        Assert.Contains("5 of 50 rows", streamed);
    }

    [Fact]
    public void Streaming_options_out_of_range_and_LBFGS_are_refused_by_name()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows(ml, 40, i => [i % 5, i % 3, 1f]);

        var threshold = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { StreamingThresholdMegabytes = -1 }));
        var buffer = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Regression.Trainers.Backprop(new BackpropRegressionTrainer.Options { ShuffleBufferRows = 0 }));
        var lbfgs = Assert.Throws<ArgumentException>(() => ml.Regression.Trainers.Backprop(
            new BackpropRegressionTrainer.Options { Optimizer = new LbfgsOptimizer(), Streaming = true, NumberOfIterations = 2 }).Fit(data));

        Assert.Equal("StreamingThresholdMegabytes", threshold.ParamName);
        Assert.Equal("ShuffleBufferRows", buffer.ParamName);
        Assert.Equal("Optimizer", lbfgs.ParamName);
        Assert.Contains("train on rows in memory", lbfgs.Message);
    }
}
