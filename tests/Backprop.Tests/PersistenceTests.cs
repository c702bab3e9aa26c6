using Backprop.Tests.Support;

namespace Backprop.Tests;

public class PersistenceTests
{
    private static MultilayerPerceptron Trained() => new MlpTrainer(new MlpTrainerOptions
    {
        HiddenLayers = [12, 6], Activation = Activation.LeakyReLU(0.2f), NumberOfIterations = 4, ValidationFraction = 0.2f,
        LearningRateSchedule = new ReduceOnPlateauSchedule(patience: 1),
    }).Train(SyntheticData.Regression(150, 5, seed: 1));

    private static byte[] Bytes(MultilayerPerceptron model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_saved_model_loads_with_identical_predictions_history_and_training_state()
    {
        MultilayerPerceptron model = Trained();
        MultilayerPerceptron loaded = MultilayerPerceptron.Load(new MemoryStream(Bytes(model)));

        TrainingData data = SyntheticData.Regression(50, 5, seed: 2);
        float[] before = new float[50], after = new float[50];
        model.Predict(data.Features, before);
        loaded.Predict(data.Features, after);
        Assert.Equal(before, after);

        Assert.Equal(model.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(model.LabelScaling, loaded.LabelScaling);
        Assert.Equal(model.Layers.Select(l => l.ToString()), loaded.Layers.Select(l => l.ToString()));
        // The file keeps no wall-clock seconds, so the same training always gives the same bytes.
        Assert.Equal(model.History.Epochs.Select(e => e with { Seconds = 0 }), loaded.History.Epochs);
        Assert.Equal(model.History.BestEpoch, loaded.History.BestEpoch);
        Assert.Equal(model.TrainingState!.StepsCompleted, loaded.TrainingState!.StepsCompleted);
        Assert.Equal(model.TrainingState.OptimizerBuffers, loaded.TrainingState.OptimizerBuffers);
        Assert.Equal(model.TrainingState.Schedule.Scale, loaded.TrainingState.Schedule.Scale);
    }

    [Fact]
    public void A_loaded_model_warm_starts_like_the_original()
    {
        TrainingData data = SyntheticData.Regression(150, 5, seed: 1);
        var options = new MlpTrainerOptions { HiddenLayers = [12], NumberOfIterations = 3, EarlyStopping = false };
        MultilayerPerceptron model = new MlpTrainer(options).Train(data);
        MultilayerPerceptron loaded = MultilayerPerceptron.Load(new MemoryStream(Bytes(model)));

        Assert.Equal(new MlpTrainer(options).Train(data, initialModel: model).Parameters.ToArray(),
            new MlpTrainer(options).Train(data, initialModel: loaded).Parameters.ToArray());
    }

    [Fact]
    public void Classifiers_round_trip_through_a_file()
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1];
        MultilayerPerceptron model = new MlpTrainer(new MlpTrainerOptions
        {
            HiddenLayers = [4], Activation = Activation.Gelu, Loss = LossFunction.SoftmaxCrossEntropy(), NumberOfIterations = 3,
            ValidationFraction = 0f,
        }).Train(new TrainingData(x, 2, [0, 1, 2, 1]));
        string path = Path.Combine(Path.GetTempPath(), $"backprop-{Guid.NewGuid():N}.bpm");
        try
        {
            model.Save(path);
            MultilayerPerceptron loaded = MultilayerPerceptron.Load(path);
            Assert.Equal(OutputTransform.Softmax, loaded.OutputTransform);
            Assert.Equal(model.Predict(x.AsSpan(2, 2)), loaded.Predict(x.AsSpan(2, 2)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(14)]
    [InlineData(30)]
    [InlineData(-1)]
    public void A_truncated_file_is_named_as_truncated(int keep)
    {
        byte[] bytes = Bytes(Trained());
        byte[] cut = bytes[..(keep >= 0 ? keep : bytes.Length - 5)];
        var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(new MemoryStream(cut)));
        Assert.Contains(keep == 4 ? "not a Backprop model" : "truncated", error.Message);
    }

    [Fact]
    public void A_corrupted_byte_is_caught_by_the_checksum()
    {
        byte[] bytes = Bytes(Trained());
        bytes[bytes.Length / 2] ^= 0x40;
        var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(new MemoryStream(bytes)));
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void The_same_training_saves_the_same_bytes()
    {
        Assert.Equal(Bytes(Trained()), Bytes(Trained()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_damaged_payload_length_is_named_as_truncation_without_allocating_it(bool seekable)
    {
        byte[] bytes = Bytes(Trained());
        BitConverter.GetBytes((long)int.MaxValue - 40).CopyTo(bytes, 12);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(bytes)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", error.Message);
        Assert.True(allocated < 8 * bytes.Length + (4 << 20), $"loading a {bytes.Length}-byte file allocated {allocated} bytes");
    }

    [Fact]
    public void A_non_finite_parameter_is_refused_even_under_a_valid_checksum()
    {
        MultilayerPerceptron model = Trained();
        float[] parameters = model.Parameters.ToArray();
        parameters[3] = float.NaN;
        var broken = new MultilayerPerceptron(model.Layout, parameters, model.OutputTransform, model.LabelScaling, model.History, null);
        var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(new MemoryStream(Bytes(broken))));
        Assert.Contains("parameter 3 is NaN", error.Message);
    }

    [Fact]
    public void A_negative_running_variance_is_refused_even_under_a_valid_checksum()
    {
        MultilayerPerceptron model = new MlpTrainer(new MlpTrainerOptions
        {
            HiddenLayers = [12, 6], Normalization = HiddenNormalization.Batch, NumberOfIterations = 2, ValidationFraction = 0,
        }).Train(SyntheticData.Regression(150, 5, seed: 1));
        float[] values = model.Parameters.ToArray();
        values[model.Layout.StatisticsOffset(1) + 6 + 2] = -0.5f;
        var broken = new MultilayerPerceptron(model.Layout, values, model.OutputTransform, model.LabelScaling, model.History, null);
        var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(new MemoryStream(Bytes(broken))));
        Assert.Contains("layer 1's running variance", error.Message);
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_advice()
    {
        byte[] bytes = Bytes(Trained());
        BitConverter.GetBytes(ModelSerializer.FormatVersion + 1).CopyTo(bytes, 8);
        var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(new MemoryStream(bytes)));
        Assert.Contains("newer", error.Message);
        Assert.Contains("Upgrade", error.Message);
    }

    [Fact]
    public void A_foreign_file_is_not_taken_for_a_model_and_the_path_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"backprop-{Guid.NewGuid():N}.zip");
        File.WriteAllText(path, "PK\u0003\u0004 this is some other file");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => MultilayerPerceptron.Load(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("not a Backprop model", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A stream that can only be read forward, as a zip entry or a network stream is.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
