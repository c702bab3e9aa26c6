using System.Text;

namespace Backprop.MLNet.Comparison;

/// <summary>
/// A delimited text file read whole, for looking at its columns before ML.NET loads it: the header, the separator
/// (comma, semicolon or tab, whichever the header uses) and every row's fields, quotes honoured.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string path, char separator, string[] header, List<string[]> rows)
    {
        Path = path;
        Separator = separator;
        Header = header;
        Rows = rows;
    }

    public string Path { get; }

    public char Separator { get; }

    public string[] Header { get; }

    /// <summary>The data rows; field j of a row belongs to <see cref="Header"/>[j]. Line n of the file is row n − 2.</summary>
    public List<string[]> Rows { get; }

    public IEnumerable<string> Column(int index) => Rows.Select(r => r[index]);

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
            throw new ComparisonInputException(Directory.Exists(path)
                ? $"'{path}' is a folder; give the path of a CSV file inside it."
                : $"The data file '{path}' does not exist. Check the path (relative paths start from {Environment.CurrentDirectory}).");

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? headerLine = reader.ReadLine();
        while (headerLine is not null && headerLine.Trim().Length == 0)
            headerLine = reader.ReadLine();
        if (headerLine is null)
            throw new ComparisonInputException($"The data file '{path}' is empty; it needs a header line of column names and rows of values.");

        char separator = headerLine.Contains(',') ? ',' : headerLine.Contains(';') ? ';' : headerLine.Contains('\t') ? '\t' : ',';
        string[] header = Split(headerLine, separator).Select(h => h.Trim()).ToArray();
        for (int j = 0; j < header.Length; j++)
        {
            if (header[j].Length == 0)
                throw new ComparisonInputException($"Column {j + 1} of '{path}' has no name in the header line; every column needs one.");
            int earlier = Array.IndexOf(header, header[j], 0, j);
            if (earlier >= 0)
                throw new ComparisonInputException($"'{path}' names two columns '{header[j]}' (columns {earlier + 1} and {j + 1}); rename one.");
        }

        var rows = new List<string[]>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0)
                continue;
            string[] fields = Split(line, separator);
            if (fields.Length != header.Length)
                throw new ComparisonInputException(
                    $"Line {lineNumber} of '{path}' has {fields.Length} fields but the header names {header.Length} columns; " +
                    "fix that line (quote fields that contain the separator).");
            for (int j = 0; j < fields.Length; j++)
                fields[j] = fields[j].Trim();
            rows.Add(fields);
        }
        if (rows.Count == 0)
            throw new ComparisonInputException($"The data file '{path}' has a header but no rows of values.");
        return new CsvTable(path, separator, header, rows);
    }

    // RFC 4180 fields on one line: a quoted field may hold the separator and doubled quotes.
    private static string[] Split(string line, char separator)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
