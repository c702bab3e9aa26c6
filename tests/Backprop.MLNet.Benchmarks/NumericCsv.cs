using System.Globalization;

namespace Backprop.MLNet.Benchmarks;

/// <summary>A CSV with a header whose columns are all numbers: one label column, every other column a feature.</summary>
internal sealed record NumericCsv(float[] Features, int FeatureCount, float[] Labels)
{
    public int RowCount => Labels.Length;

    /// <summary>Reads <paramref name="path"/>, refusing a missing label column or a cell that is not a number with its place.</summary>
    public static NumericCsv Read(string path, string label)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No such file: '{path}'.", path);
        using var reader = new StreamReader(path);
        string[] header = (reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty.")).Split(',');
        int labelIndex = Array.IndexOf(header, label);
        if (labelIndex < 0)
            throw new ArgumentException($"'{path}' has no column '{label}'; its columns are {string.Join(", ", header)}.");
        int featureCount = header.Length - 1;
        var features = new List<float>();
        var labels = new List<float>();
        string? line;
        for (int row = 1; (line = reader.ReadLine()) is not null; row++)
        {
            if (line.Length == 0)
                continue;
            string[] cells = line.Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"'{path}' line {row + 1} has {cells.Length} cells; the header has {header.Length}.");
            for (int c = 0; c < cells.Length; c++)
            {
                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                    throw new InvalidDataException($"'{path}' line {row + 1}, column '{header[c]}': '{cells[c]}' is not a number.");
                if (c == labelIndex)
                    labels.Add(value);
                else
                    features.Add(value);
            }
        }
        return new NumericCsv([.. features], featureCount, [.. labels]);
    }
}
