using System.Security.Cryptography;
using System.Text;

namespace Backprop;

/// <summary>
/// Backprop's binary model format: an 8-byte magic, a format version, the payload length, the payload and its
/// SHA-256. The payload holds the architecture, parameters, output transform, label scaling, history and training
/// state, little-endian. A reader refuses a newer version, and names truncation and corruption as such.
/// </summary>
/// <remarks>
/// Version 2 added the periodic embedding after the activations. A model without one is written as version 1, so the
/// releases before it still read every model they could express.
/// </remarks>
internal static class ModelSerializer
{
    /// <summary>The newest version this code writes and reads.</summary>
    public const int FormatVersion = 2;

    private const int FirstVersionWithEmbedding = 2;

    private static ReadOnlySpan<byte> Magic => "BPROPMLP"u8;

    public static void Write(MultilayerPerceptron model, Stream stream)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
            WritePayload(model, writer);

        byte[] body = payload.ToArray();
        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(model.Layout.Embedding is null ? 1 : FirstVersionWithEmbedding);
        output.Write((long)body.Length);
        output.Write(body);
        output.Write(SHA256.HashData(body));
    }

    public static MultilayerPerceptron Read(Stream stream)
    {
        Span<byte> magic = stackalloc byte[8];
        if (stream.ReadAtLeast(magic, 8, throwOnEndOfStream: false) < 8 || !magic.SequenceEqual(Magic))
            throw new InvalidDataException("this is not a Backprop model (it does not start with the BPROPMLP signature).");

        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        int version = ReadOrTruncated(reader.ReadInt32);
        if (version > FormatVersion)
            throw new InvalidDataException(
                $"the model was written in format version {version} by a newer Backprop; this version reads up to {FormatVersion}. Upgrade the Backprop package.");
        if (version < 1)
            throw new InvalidDataException($"the model's format version {version} is not valid: the file is corrupt.");

        long length = ReadOrTruncated(reader.ReadInt64);
        if (length < 0 || length > int.MaxValue)
            throw new InvalidDataException($"the model's payload length {length} is not valid: the file is corrupt.");
        byte[] body = reader.ReadBytes((int)length);
        byte[] hash = reader.ReadBytes(32);
        if (body.Length < length || hash.Length < 32)
            throw new InvalidDataException($"the model file is truncated: its payload should be {length} bytes plus a 32-byte checksum.");
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(hash))
            throw new InvalidDataException("the model's checksum does not match its contents: the file is corrupt.");

        using var payload = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        try
        {
            return ReadPayload(payload, version);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"the model's contents are inconsistent: {e.Message}", e);
        }
    }

    private static void WritePayload(MultilayerPerceptron model, BinaryWriter w)
    {
        NetworkLayout layout = model.Layout;
        w.Write(layout.InputCount);
        w.Write(layout.LayerCount);
        foreach (int width in layout.LayerWidths())
            w.Write(width);
        foreach (Activation activation in layout.HiddenActivations)
        {
            w.Write((int)activation.Kind);
            w.Write(activation.NegativeSlope);
        }
        if (layout.Embedding is { } embedding)
        {
            w.Write(embedding.Frequencies);
            w.Write(embedding.Size);
            w.Write(embedding.EmbeddedFeatures.Length);
            foreach (int feature in embedding.EmbeddedFeatures)
                w.Write(feature);
        }
        w.Write((int)model.OutputTransform);
        w.Write(model.LabelScaling.HasValue);
        w.Write(model.LabelScaling?.Offset ?? 0.0);
        w.Write(model.LabelScaling?.Scale ?? 1.0);
        WriteFloats(w, model.Parameters);

        TrainingHistory history = model.History;
        w.Write(history.MetricName);
        w.Write(history.BestEpoch ?? -1);
        w.Write((int)history.StopReason);
        w.Write(history.Epochs.Count);
        foreach (EpochRecord e in history.Epochs)
        {
            w.Write(e.Epoch);
            w.Write(e.TrainingLoss);
            w.Write(e.ValidationLoss ?? double.NaN);
            w.Write(e.ValidationMetric ?? double.NaN);
            w.Write(e.LearningRate);
            w.Write(e.Seconds);
        }

        TrainingState? state = model.TrainingState;
        w.Write(state is not null);
        if (state is null)
            return;
        w.Write(state.OptimizerName);
        w.Write(state.StepsCompleted);
        w.Write(state.EpochsCompleted);
        w.Write(state.OptimizerBuffers.Length);
        foreach (float[] buffer in state.OptimizerBuffers)
            WriteFloats(w, buffer);
        w.Write(state.Schedule.Scale);
        w.Write(state.Schedule.Best);
        w.Write(state.Schedule.EpochsWithoutImprovement);
    }

    private static MultilayerPerceptron ReadPayload(BinaryReader r, int version)
    {
        int inputs = r.ReadInt32();
        int layers = r.ReadInt32();
        if (layers < 1 || layers > 10_000)
            throw new InvalidDataException($"the model claims {layers} layers: the file is corrupt.");
        var widths = new int[layers];
        for (int l = 0; l < layers; l++)
            widths[l] = r.ReadInt32();
        var activations = new Activation[layers - 1];
        for (int l = 0; l < activations.Length; l++)
        {
            var kind = (ActivationKind)r.ReadInt32();
            float slope = r.ReadSingle();
            activations[l] = Activation.FromKind(kind, kind == ActivationKind.LeakyReLU ? slope : 0.01f);
        }
        EmbeddingLayout? embedding = version >= FirstVersionWithEmbedding ? ReadEmbedding(r, inputs) : null;
        var transform = (OutputTransform)r.ReadInt32();
        if (!Enum.IsDefined(transform))
            throw new InvalidDataException($"unknown output transform {(int)transform}: the file is corrupt.");
        bool scaled = r.ReadBoolean();
        double offset = r.ReadDouble(), scale = r.ReadDouble();
        var layout = new NetworkLayout(inputs, widths, activations, embedding);
        float[] parameters = ReadFloats(r);

        string metricName = r.ReadString();
        int best = r.ReadInt32();
        var stopReason = (StopReason)r.ReadInt32();
        int epochCount = r.ReadInt32();
        var epochs = new EpochRecord[epochCount];
        for (int i = 0; i < epochCount; i++)
        {
            int epoch = r.ReadInt32();
            double trainLoss = r.ReadDouble(), validLoss = r.ReadDouble(), metric = r.ReadDouble();
            double rate = r.ReadDouble(), seconds = r.ReadDouble();
            epochs[i] = new EpochRecord(epoch, trainLoss, NullIfNaN(validLoss), NullIfNaN(metric), rate, seconds);
        }
        var history = new TrainingHistory(epochs, metricName, best < 0 ? null : best, stopReason);

        TrainingState? state = null;
        if (r.ReadBoolean())
        {
            string optimizer = r.ReadString();
            long steps = r.ReadInt64();
            int epochsDone = r.ReadInt32();
            var buffers = new float[r.ReadInt32()][];
            for (int i = 0; i < buffers.Length; i++)
                buffers[i] = ReadFloats(r);
            var schedule = new ScheduleState { Scale = r.ReadDouble(), Best = r.ReadDouble(), EpochsWithoutImprovement = r.ReadInt32() };
            state = new TrainingState(optimizer, steps, epochsDone, buffers, schedule);
        }
        if (r.BaseStream.Position != r.BaseStream.Length)
            throw new InvalidDataException("the model has unexpected data after its end: the file is corrupt.");

        return new MultilayerPerceptron(layout, parameters, transform, scaled ? new LabelScaling(offset, scale) : null, history, state);
    }

    private static EmbeddingLayout ReadEmbedding(BinaryReader r, int inputs)
    {
        int frequencies = r.ReadInt32(), size = r.ReadInt32(), count = r.ReadInt32();
        if (count < 1 || count > inputs)
            throw new InvalidDataException($"the model claims {count} embedded features of {inputs}: the file is corrupt.");
        var features = new int[count];
        for (int i = 0; i < count; i++)
            features[i] = r.ReadInt32();
        return new EmbeddingLayout(inputs, features, frequencies, size);
    }

    private static void WriteFloats(BinaryWriter w, ReadOnlySpan<float> values)
    {
        w.Write(values.Length);
        foreach (float v in values)
            w.Write(v);
    }

    private static float[] ReadFloats(BinaryReader r)
    {
        int count = r.ReadInt32();
        if (count < 0 || count > (r.BaseStream.Length - r.BaseStream.Position) / sizeof(float))
            throw new InvalidDataException($"the model claims a vector of {count} values that does not fit in the file: it is corrupt.");
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = r.ReadSingle();
        return values;
    }

    private static T ReadOrTruncated<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the model file is truncated: its header is incomplete.", e);
        }
    }

    private static double? NullIfNaN(double value) => double.IsNaN(value) ? null : value;
}
