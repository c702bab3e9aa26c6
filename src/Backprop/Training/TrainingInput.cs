namespace Backprop;

/// <summary>The training rows of a run: a <see cref="TrainingData"/> in memory, or a <see cref="TrainingRowSource"/> streamed.</summary>
internal readonly struct TrainingInput
{
    private TrainingInput(TrainingData? data, TrainingRowSource? source) => (Data, Source) = (data, source);

    public TrainingData? Data { get; }

    public TrainingRowSource? Source { get; }

    public int FeatureCount => Data?.FeatureCount ?? Source!.FeatureCount;

    public static implicit operator TrainingInput(TrainingData data) => new(data, null);

    public static implicit operator TrainingInput(TrainingRowSource source) => new(null, source);
}
