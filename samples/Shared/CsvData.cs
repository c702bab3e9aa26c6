using Microsoft.ML;
using Microsoft.ML.Data;

namespace Samples;

/// <summary>A CSV of the samples' data folder: every column a Single feature except the label, loaded as <c>labelKind</c>.</summary>
internal sealed record CsvData(IDataView Data, string[] Features)
{
    public static CsvData Load(MLContext ml, string file, string label, DataKind labelKind)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", file);
        string[] header = File.ReadLines(path).First().Split(',');
        var columns = header.Select((name, i) => new TextLoader.Column(name, name == label ? labelKind : DataKind.Single, i)).ToArray();
        var data = ml.Data.CreateTextLoader(columns, hasHeader: true, separatorChar: ',').Load(path);
        return new CsvData(data, header.Where(h => h != label).ToArray());
    }

    /// <summary>The feature values of the first row of <paramref name="data"/>.</summary>
    public float[] FirstPixels(MLContext ml, IDataView data)
        => Features.Select(f => data.GetColumn<float>(f).First()).ToArray();
}
