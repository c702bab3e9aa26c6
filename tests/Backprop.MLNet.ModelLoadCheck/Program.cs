// Usage: ModelLoadCheck MODEL.zip DATA.csv [COLUMN]
// Loads the model with a fresh MLContext and no registration call, reads the CSV with the columns of the model's saved
// input schema (matched to the header by name, ignoring case), and prints COLUMN (default Score), one row per line in
// round-trip format (a vector's values separated by spaces).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out var inputSchema);
string[] header = File.ReadLines(args[1]).First().Split(',');
var columns = inputSchema.Select(c => new TextLoader.Column(c.Name, Kind(c.Type), Array.FindIndex(header, h => h.Equals(c.Name, StringComparison.OrdinalIgnoreCase)))).ToArray();
var data = ml.Data.LoadFromTextFile(args[1], columns, hasHeader: true, separatorChar: ',');
var scored = model.Transform(data);
var score = scored.Schema[args.Length > 2 ? args[2] : "Score"];
IEnumerable<float[]> rows = score.Type is VectorDataViewType
    ? scored.GetColumn<float[]>(score)
    : scored.GetColumn<float>(score).Select(s => new[] { s });
foreach (float[] row in rows)
    Console.WriteLine(string.Join(' ', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

static DataKind Kind(DataViewType type) => type switch
{
    TextDataViewType => DataKind.String,
    BooleanDataViewType => DataKind.Boolean,
    _ when type == NumberDataViewType.Single => DataKind.Single,
    _ => throw new NotSupportedException($"No CSV reading for {type}."),
};
