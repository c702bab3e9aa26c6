using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Backprop.MLNet;

/// <summary>
/// Makes a <see cref="BackpropContributionsTransformer"/>; nothing to learn, so fitting only checks the schema. Made
/// by <c>mlContext.Transforms.CalculateBackpropContributions</c>.
/// </summary>
public sealed class BackpropContributionsEstimator : TrivialEstimator<BackpropContributionsTransformer>
{
    internal BackpropContributionsEstimator(IHostEnvironment env, BackpropContributionsTransformer transformer)
        : base(env.Register(nameof(BackpropContributionsEstimator)), transformer)
    {
    }

    /// <inheritdoc/>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Host.CheckValue(inputSchema, nameof(inputSchema));
        string input = Transformer.ColumnPairs[0].inputColumnName, output = Transformer.ColumnPairs[0].outputColumnName;
        if (!inputSchema.TryFindColumn(input, out var column))
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "feature", input);
        if (column.ItemType != NumberDataViewType.Single || column.Kind != SchemaShape.Column.VectorKind.Vector)
            throw Host.ExceptSchemaMismatch(nameof(inputSchema), "feature", input, "known-size vector of Single", column.GetTypeString());
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[output] = new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
