namespace Backprop.MLNet.Tests.Support;

/// <summary>Options for behaviour tests that need a trained model, not a good one: one hidden layer of 16, a few epochs, seed 7.</summary>
internal static class QuickOptions
{
    public static TOptions For<TOptions>(string labelColumnName, int iterations = 30)
        where TOptions : BackpropTrainerOptionsBase, new()
        => new() { LabelColumnName = labelColumnName, HiddenLayers = [16], NumberOfIterations = iterations, Seed = 7 };
}
