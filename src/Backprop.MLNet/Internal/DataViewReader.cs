using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Internal;

/// <summary>Reads a label as the engine's float: the value itself, 0/1 for a boolean, the class index for a key.</summary>
internal delegate ValueGetter<float> LabelGetterFactory(DataViewRow row, DataViewSchema.Column label);

/// <summary>Receives one row of a <see cref="DataViewReader.Scan"/>: its dense features, its label and its weight (1 without a weight column).</summary>
internal delegate void RowVisitor(ReadOnlySpan<float> features, float label, float weight);

/// <summary>
/// Reads the feature, label and weight columns of an <see cref="IDataView"/>, refusing what the engine cannot learn
/// from with a message that names the column, the number of rows and the fix, rather than skipping rows silently:
/// into the engine's dense row-major arrays (<see cref="Read"/>), or row by row for streamed training (<see cref="Scan"/>).
/// </summary>
/// <remarks>
/// The arrays are allocated once at their final size: when the view cannot say how many rows it has, a first pass
/// with no column active counts them, so memory peaks near the data's own size instead of a doubling buffer and its
/// final copy. Cancellation is checked every <see cref="RowsBetweenChecks"/> rows of either pass.
/// </remarks>
internal static class DataViewReader
{
    private const int RowsBetweenChecks = 4096;

    /// <param name="data">The training or validation data with its roles.</param>
    /// <param name="labelGetter">How the task reads its label.</param>
    /// <param name="setName">"training data" or "validation data", for messages.</param>
    /// <param name="checkAlive">Throws when the context has been cancelled.</param>
    /// <param name="countLabels">Whether the summary counts each label value (for a classifier's checks).</param>
    /// <param name="rowCount">The view's row count when already counted; default <see langword="null"/>: asked for, or counted.</param>
    public static (TrainingData Data, LabelSummary Labels) Read(RoleMappedData data, LabelGetterFactory labelGetter, string setName, Action checkAlive,
        bool countLabels, long? rowCount = null)
    {
        int featureCount = FeatureCount(data);
        long expectedRows = rowCount ?? data.Data.GetRowCount() ?? CountRows(data.Data, checkAlive);
        if (expectedRows * featureCount > Array.MaxLength)
            throw new InvalidOperationException(
                $"The {setName} has {expectedRows} rows of {featureCount} features, more than one array can hold " +
                $"({Array.MaxLength} values); train on a sample of the rows or on fewer features, or set Streaming.");
        var features = new GrowableBuffer((int)Math.Max(1, expectedRows * featureCount));
        var labels = new GrowableBuffer((int)Math.Max(1, expectedRows));
        var weights = data.Schema.Weight is null ? null : new GrowableBuffer((int)Math.Max(1, expectedRows));
        LabelSummary summary = Scan(data, labelGetter, setName, checkAlive, countLabels, (row, label, weight) =>
        {
            row.CopyTo(features.Append(featureCount));
            labels.Append(1)[0] = label;
            if (weights is not null)
                weights.Append(1)[0] = weight;
        });

        try
        {
            return (new TrainingData(features.ToArray(), featureCount, labels.ToArray(), weights?.ToArray()), summary);
        }
        catch (ArgumentException e)
        {
            // What is left for the engine to refuse (every weight 0) is about the weight column.
            throw new InvalidOperationException($"The {setName} cannot be used: {e.Message}", e);
        }
    }

    /// <summary>The number of features per row of the data's feature column.</summary>
    public static int FeatureCount(RoleMappedData data) => ((VectorDataViewType)data.Schema.Feature!.Value.Type).Size;

    /// <summary>
    /// Reads every row once, hands each one that passes the checks to <paramref name="visit"/>, and throws a message that
    /// names the column, the number of bad rows and the fix once the pass shows missing or infinite values, missing keys
    /// or bad weights, or no rows at all.
    /// </summary>
    /// <returns>The labels' summary, which the classifiers check.</returns>
    public static LabelSummary Scan(RoleMappedData data, LabelGetterFactory labelGetter, string setName, Action checkAlive,
        bool countLabels, RowVisitor visit)
    {
        var schema = data.Schema;
        var featureColumn = schema.Feature!.Value;
        var labelColumn = schema.Label!.Value;
        var weightColumn = schema.Weight;
        int featureCount = FeatureCount(data);

        var columns = new List<DataViewSchema.Column> { featureColumn, labelColumn };
        if (weightColumn is { } w)
            columns.Add(w);

        var summary = new LabelSummary(countLabels);
        var badFeatures = new BadValueCounter();
        var badLabels = new BadValueCounter();
        var badWeights = new BadValueCounter();
        var values = new float[featureCount];
        using (var cursor = data.Data.GetRowCursor(columns))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
            var getLabel = labelGetter(cursor, labelColumn);
            ValueGetter<float>? getWeight = weightColumn is { } wc ? cursor.GetGetter<float>(wc) : null;
            VBuffer<float> row = default;
            float label = 0f, weight = 1f;
            long index = 0;
            while (cursor.MoveNext())
            {
                if (index % RowsBetweenChecks == 0)
                    checkAlive();
                getFeatures(ref row);
                if (row.Length != featureCount)
                    throw new InvalidOperationException(
                        $"Row {index} of the {setName} has {row.Length} values in the feature column '{featureColumn.Name}' " +
                        $"but its type promises {featureCount}.");
                row.CopyTo(values);
                int badSlot = IndexOfNonFinite(values);
                if (badSlot >= 0)
                    badFeatures.Add(index, badSlot);

                getLabel(ref label);
                if (!float.IsFinite(label))
                    badLabels.Add(index, 0);

                getWeight?.Invoke(ref weight);
                if (!float.IsFinite(weight) || weight < 0f)
                    badWeights.Add(index, 0);

                summary.Add(label);
                visit(values, label, weight);
                index++;
            }
        }

        long rows = summary.RowCount;
        if (rows == 0)
            throw new InvalidOperationException(
                $"The {setName} has no rows. Check the file path and any filter before the trainer.");
        if (badFeatures.Rows > 0)
        {
            string slot = SlotDescription(featureColumn, featureCount, badFeatures.FirstSlot);
            throw new InvalidOperationException(
                $"The feature column '{featureColumn.Name}' of the {setName} has missing (NaN) or infinite values in " +
                $"{badFeatures.Rows} of {rows} rows (first: row {badFeatures.FirstRow}, {slot}). Replace them with " +
                $"mlContext.Transforms.ReplaceMissingValues(...) on the input columns, or drop those rows with " +
                $"mlContext.Data.FilterRowsByMissingValues(data, ...), before the trainer.");
        }
        if (badLabels.Rows > 0 && labelColumn.Type is KeyDataViewType)
            throw new InvalidOperationException(
                $"The label column '{labelColumn.Name}' of the {setName} has missing keys (key 0: a value the key's " +
                $"dictionary does not hold, or a missing value) in {badLabels.Rows} of {rows} rows (first: row " +
                $"{badLabels.FirstRow}). Build the keys with mlContext.Transforms.Conversion.MapValueToKey(...) fitted on " +
                $"data that holds every class, or drop those rows with mlContext.Data.FilterRowsByMissingValues(data, " +
                $"\"{labelColumn.Name}\") before training.");
        if (badLabels.Rows > 0)
            throw new InvalidOperationException(
                $"The label column '{labelColumn.Name}' of the {setName} has missing (NaN) or infinite values in " +
                $"{badLabels.Rows} of {rows} rows (first: row {badLabels.FirstRow}). Drop those rows with " +
                $"mlContext.Data.FilterRowsByMissingValues(data, \"{labelColumn.Name}\") before training.");
        if (badWeights.Rows > 0)
            throw new InvalidOperationException(
                $"The example weight column '{weightColumn!.Value.Name}' of the {setName} has negative, missing or " +
                $"infinite values in {badWeights.Rows} of {rows} rows (first: row {badWeights.FirstRow}); " +
                "weights must be finite and 0 or more.");
        return summary;
    }

    /// <summary>Counts the rows of a view that cannot say, with no column active so nothing is computed but the rows.</summary>
    public static long CountRows(IDataView view, Action checkAlive)
    {
        long count = 0;
        using var cursor = view.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            if (count++ % RowsBetweenChecks == 0)
                checkAlive();
        }
        return count;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                return i;
        return -1;
    }

    private static string SlotDescription(DataViewSchema.Column column, int size, int slot)
    {
        if (!column.HasSlotNames(size))
            return $"slot {slot}";
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        string name = names.GetItemOrDefault(slot).ToString();
        return name.Length == 0 ? $"slot {slot}" : $"slot {slot} '{name}'";
    }

    private sealed class BadValueCounter
    {
        public long Rows { get; private set; }

        public long FirstRow { get; private set; } = -1;

        public int FirstSlot { get; private set; } = -1;

        public void Add(long row, int slot)
        {
            if (Rows++ == 0)
            {
                FirstRow = row;
                FirstSlot = slot;
            }
        }
    }

    /// <summary>A float list that hands out spans to fill, so rows are copied once.</summary>
    private sealed class GrowableBuffer(int capacity)
    {
        private float[] _values = new float[capacity];

        public int Count { get; private set; }

        public Span<float> Append(int length)
        {
            if (Count + length > _values.Length)
                Array.Resize(ref _values, (int)Math.Min(Array.MaxLength, Math.Max((long)_values.Length * 2, (long)Count + length)));
            var span = _values.AsSpan(Count, length);
            Count += length;
            return span;
        }

        public float[] ToArray() => Count == _values.Length ? _values : _values[..Count];
    }
}
