using Microsoft.ML;
using Microsoft.ML.Data;

namespace Backprop.MLNet.Internal;

/// <summary>
/// An <see cref="IDataView"/>'s training rows as the engine's <see cref="TrainingRowSource"/>, for streamed training:
/// each cursor reads the feature, label and weight columns afresh (shuffled by ML.NET with the engine's seed where the
/// view can shuffle, as a binary file's blocks can), standardises the features, and gives ML.NET's row id, the same
/// on every cursor, for the hold-out. The rows were checked by a <see cref="DataViewReader.Scan"/> before training.
/// </summary>
internal sealed class DataViewRowSource(RoleMappedData data, LabelGetterFactory labelGetter, FeatureStandardization? standardization,
    Action checkAlive) : TrainingRowSource(DataViewReader.FeatureCount(data), data.Schema.Weight is not null)
{
    public override TrainingRowCursor GetCursor(int? shuffleSeed)
    {
        var schema = data.Schema;
        var columns = new List<DataViewSchema.Column> { schema.Feature!.Value, schema.Label!.Value };
        if (schema.Weight is { } weight)
            columns.Add(weight);
        Random? random = shuffleSeed is { } seed && data.Data.CanShuffle ? new Random(seed) : null;
        return new Cursor(data.Data.GetRowCursor(columns, random), schema, labelGetter, standardization, checkAlive);
    }

    private sealed class Cursor : TrainingRowCursor
    {
        private const int RowsBetweenChecks = 4096;
        private readonly DataViewRowCursor _cursor;
        private readonly FeatureStandardization? _standardization;
        private readonly Action _checkAlive;
        private readonly ValueGetter<VBuffer<float>> _getFeatures;
        private readonly ValueGetter<float> _getLabel;
        private readonly ValueGetter<float>? _getWeight;
        private readonly ValueGetter<DataViewRowId> _getId;
        private VBuffer<float> _row;
        private DataViewRowId _id;
        private long _read;

        public Cursor(DataViewRowCursor cursor, RoleMappedSchema schema, LabelGetterFactory labelGetter,
            FeatureStandardization? standardization, Action checkAlive)
        {
            (_cursor, _standardization, _checkAlive) = (cursor, standardization, checkAlive);
            _getFeatures = cursor.GetGetter<VBuffer<float>>(schema.Feature!.Value);
            _getLabel = labelGetter(cursor, schema.Label!.Value);
            _getWeight = schema.Weight is { } weight ? cursor.GetGetter<float>(weight) : null;
            _getId = cursor.GetIdGetter();
        }

        public override bool MoveNext(Span<float> features, out float label, out float weight, out long rowId)
        {
            (label, weight, rowId) = (0f, 1f, -1);
            if (_read++ % RowsBetweenChecks == 0)
                _checkAlive();
            if (!_cursor.MoveNext())
                return false;
            _getFeatures(ref _row);
            _row.CopyTo(features);
            _standardization?.Apply(features);
            _getLabel(ref label);
            _getWeight?.Invoke(ref weight);
            _getId(ref _id);
            // Views number their rows from 0 in the low half; the high half differs only between the parts of a concatenation.
            rowId = unchecked((long)(_id.Low ^ _id.High * 0x9E3779B97F4A7C15UL));
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _cursor.Dispose();
        }
    }
}
