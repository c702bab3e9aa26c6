using System.Security.Cryptography;
using System.Text;

namespace Backprop;

/// <summary>
/// Backprop's binary model format: an 8-byte magic, a format version, the payload length, the payload and its
/// SHA-256. The payload holds the architecture, parameters, output transform, label scaling, history and training
/// state, little-endian. A reader refuses a newer version, and names truncation and corruption as such.
/// </summary>
/// <remarks>
/// Version 2 added the periodic embedding after the activations and dropped the epochs' wall-clock seconds, so the
/// same data, options and seed give the same bytes (a loaded history's <see cref="EpochRecord.Seconds"/> are 0).
/// Version 3 added whether the hidden layers have residual connections and how they are normalised, after the
/// embedding (batch normalisation's running statistics follow the parameters), and each epoch's diagnostics and
/// warnings. Versions 1 and 2 still load. Lengths are checked against the bytes there are before anything is
/// allocated, and values no trained model can hold (a non-finite parameter, a negative running variance, a label
/// scale that is not positive) are refused even under a valid checksum.
/// </remarks>
internal static class ModelSerializer
{
    /// <summary>The version this code writes and the newest it reads.</summary>
    public const int FormatVersion = 3;

    /// <summary>A payload is read in pieces of this size, so a damaged length cannot make it allocate more than the file holds.</summary>
    private const int ReadChunkBytes = 1 << 20;

    private static ReadOnlySpan<byte> Magic => "BPROPMLP"u8;

    public static void Write(MultilayerPerceptron model, Stream stream)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
            WritePayload(model, writer);

        byte[] body = payload.ToArray();
        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(FormatVersion);
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
        string truncated = $"the model file is truncated: its payload should be {length} bytes plus a 32-byte checksum.";
        byte[] body = ReadExactly(stream, length, truncated);
        byte[] hash = ReadExactly(stream, 32, truncated);
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

    /// <summary>
    /// Reads <paramref name="count"/> bytes, refusing before allocating them when a seekable stream is shorter, and
    /// otherwise growing in pieces, so that a damaged length ends in <paramref name="truncated"/> without a huge allocation.
    /// </summary>
    private static byte[] ReadExactly(Stream stream, long count, string truncated)
    {
        if (count > int.MaxValue || stream.CanSeek && count > stream.Length - stream.Position)
            throw new InvalidDataException(truncated);
        using var buffer = new MemoryStream((int)Math.Min(count, ReadChunkBytes));
        var chunk = new byte[(int)Math.Min(count, ReadChunkBytes)];
        for (long left = count; left > 0;)
        {
            int read = stream.ReadAtLeast(chunk.AsSpan(0, (int)Math.Min(left, chunk.Length)), 1, throwOnEndOfStream: false);
            if (read == 0)
                throw new InvalidDataException(truncated);
            buffer.Write(chunk, 0, read);
            left -= read;
        }
        return buffer.ToArray();
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
        w.Write(layout.Embedding is not null);
        if (layout.Embedding is { } embedding)
        {
            w.Write(embedding.Frequencies);
            w.Write(embedding.Size);
            w.Write(embedding.EmbeddedFeatures.Length);
            foreach (int feature in embedding.EmbeddedFeatures)
                w.Write(feature);
        }
        w.Write(layout.Residual);
        w.Write((int)layout.Normalization);
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
            WriteDiagnostics(w, e);
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

    private static void WriteDiagnostics(BinaryWriter w, EpochRecord e)
    {
        w.Write(e.Diagnostics is not null);
        if (e.Diagnostics is { } d)
        {
            w.Write(d.GradientNorm);
            w.Write(d.ClippedFraction);
            w.Write(d.SampledSteps);
            w.Write(d.Layers.Count);
            foreach (LayerDiagnostics layer in d.Layers)
            {
                w.Write(layer.GradientRms);
                w.Write(layer.DeltaRms);
                w.Write(layer.WeightRms);
                w.Write(layer.UpdateRatio);
                w.Write(layer.DeadFraction ?? double.NaN);
                w.Write(layer.SaturatedFraction ?? double.NaN);
            }
        }
        w.Write(e.Warnings.Count);
        foreach (TrainingWarning warning in e.Warnings)
        {
            w.Write((int)warning.Kind);
            w.Write(warning.Layer ?? -1);
            w.Write(warning.Message);
        }
    }

    private static EpochRecord ReadDiagnostics(BinaryReader r, EpochRecord record, int layers)
    {
        EpochDiagnostics? diagnostics = null;
        if (r.ReadBoolean())
        {
            double norm = r.ReadDouble(), clipped = r.ReadDouble();
            int sampled = r.ReadInt32(), count = r.ReadInt32();
            if (count != layers)
                throw new InvalidDataException($"epoch {record.Epoch}'s diagnostics cover {count} layers of the model's {layers}: the file is corrupt.");
            var measured = new LayerDiagnostics[count];
            for (int l = 0; l < count; l++)
            {
                double gradient = r.ReadDouble(), delta = r.ReadDouble(), weight = r.ReadDouble(), update = r.ReadDouble();
                double dead = r.ReadDouble(), saturated = r.ReadDouble();
                measured[l] = new LayerDiagnostics(l, gradient, delta, weight, update, NullIfNaN(dead), NullIfNaN(saturated));
            }
            diagnostics = new EpochDiagnostics(measured, norm, clipped, sampled);
        }
        int warningCount = r.ReadInt32();
        if (warningCount < 0 || warningCount > (r.BaseStream.Length - r.BaseStream.Position) / 9)
            throw new InvalidDataException($"epoch {record.Epoch} claims {warningCount} warnings that do not fit in the file: it is corrupt.");
        var warnings = new TrainingWarning[warningCount];
        for (int i = 0; i < warningCount; i++)
        {
            var kind = (TrainingWarningKind)r.ReadInt32();
            if (!Enum.IsDefined(kind))
                throw new InvalidDataException($"epoch {record.Epoch} holds a warning of unknown kind {(int)kind}: the file is corrupt.");
            int layer = r.ReadInt32();
            warnings[i] = new TrainingWarning(kind, record.Epoch, layer < 0 ? null : layer, r.ReadString());
        }
        return record with { Diagnostics = diagnostics, Warnings = warnings };
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
        EmbeddingLayout? embedding = version >= 2 && r.ReadBoolean() ? ReadEmbedding(r, inputs) : null;
        bool residual = version >= 3 && r.ReadBoolean();
        var normalization = version >= 3 ? (HiddenNormalization)r.ReadInt32() : HiddenNormalization.None;
        if (!Enum.IsDefined(normalization))
            throw new InvalidDataException($"unknown hidden normalisation {(int)normalization}: the file is corrupt.");
        var transform = (OutputTransform)r.ReadInt32();
        if (!Enum.IsDefined(transform))
            throw new InvalidDataException($"unknown output transform {(int)transform}: the file is corrupt.");
        bool scaled = r.ReadBoolean();
        double offset = r.ReadDouble(), scale = r.ReadDouble();
        if (scaled && !(double.IsFinite(offset) && double.IsFinite(scale) && scale > 0))
            throw new InvalidDataException($"the model's label scaling (offset {offset}, scale {scale}) is not valid: the file is corrupt.");
        var layout = new NetworkLayout(inputs, widths, activations, embedding, residual, normalization);
        float[] parameters = ReadFloats(r);
        int firstBad = Array.FindIndex(parameters, p => !float.IsFinite(p));
        if (firstBad >= 0)
            throw new InvalidDataException($"the model's parameter {firstBad} is {parameters[firstBad]}: the file is corrupt.");
        if (parameters.Length != layout.ValueCount)
            throw new InvalidDataException($"the model holds {parameters.Length} values where its layers need {layout.ValueCount}: the file is corrupt.");
        for (int l = 0; l < layout.LayerCount; l++)
            if (layout.IsBatchNormalized(l) && layout.RunningVariance(parameters, l).IndexOfAnyExceptInRange(0f, float.MaxValue) >= 0)
                throw new InvalidDataException($"layer {l}'s running variance holds a negative value: the file is corrupt.");

        string metricName = r.ReadString();
        int best = r.ReadInt32();
        var stopReason = (StopReason)r.ReadInt32();
        int epochCount = r.ReadInt32();
        if (epochCount < 0 || epochCount > (r.BaseStream.Length - r.BaseStream.Position) / 32)
            throw new InvalidDataException($"the model claims {epochCount} epochs of history that do not fit in the file: it is corrupt.");
        var epochs = new EpochRecord[epochCount];
        for (int i = 0; i < epochCount; i++)
        {
            int epoch = r.ReadInt32();
            double trainLoss = r.ReadDouble(), validLoss = r.ReadDouble(), metric = r.ReadDouble();
            double rate = r.ReadDouble(), seconds = version < 2 ? r.ReadDouble() : 0;
            epochs[i] = new EpochRecord(epoch, trainLoss, NullIfNaN(validLoss), NullIfNaN(metric), rate, seconds);
            if (version >= 3)
                epochs[i] = ReadDiagnostics(r, epochs[i], layers);
        }
        var history = new TrainingHistory(epochs, metricName, best < 0 ? null : best, stopReason);

        TrainingState? state = null;
        if (r.ReadBoolean())
        {
            string optimizer = r.ReadString();
            long steps = r.ReadInt64();
            int epochsDone = r.ReadInt32();
            int bufferCount = r.ReadInt32();
            if (bufferCount < 0 || bufferCount > 16)
                throw new InvalidDataException($"the model claims {bufferCount} optimiser buffers: the file is corrupt.");
            var buffers = new float[bufferCount][];
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
