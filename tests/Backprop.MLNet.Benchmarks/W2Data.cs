using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Backprop.MLNet.Benchmarks;

/// <summary>
/// Workload W2: the full Fashion-MNIST (60,000 training and 10,000 test images of 28 × 28 pixels, 10 classes), from the
/// idx files of Debian's <c>dataset-fashion-mnist</c> package, written as CSV files (label, p0..p783, pixels scaled to
/// [0, 1]) that the throughput command and the peers read alike.
/// </summary>
internal static class W2Data
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> puts the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Writes train.csv and test.csv into <paramref name="folder"/> from the idx files in <paramref name="source"/>.</summary>
    public static void Write(string source, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (prefix, name) in new[] { ("train", "train.csv"), ("t10k", "test.csv") })
        {
            byte[] images = ReadIdx(Path.Combine(source, $"{prefix}-images-idx3-ubyte.gz"), expectedDimensions: 3, out int count, out int pixels);
            byte[] labels = ReadIdx(Path.Combine(source, $"{prefix}-labels-idx1-ubyte.gz"), expectedDimensions: 1, out int labelCount, out _);
            if (labelCount != count)
                throw new InvalidDataException($"{prefix}: {count} images but {labelCount} labels in '{source}'.");
            WriteCsv(Path.Combine(folder, name), images, labels, count, pixels);
        }
    }

    /// <summary>Reads a gzipped idx file of unsigned bytes: its items, each <paramref name="itemSize"/> bytes.</summary>
    private static byte[] ReadIdx(string path, int expectedDimensions, out int items, out int itemSize)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"No such file: '{path}'. The full Fashion-MNIST comes from Debian: apt-get install dataset-fashion-mnist.", path);
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new BinaryReader(stream);
        byte[] magic = reader.ReadBytes(4);
        if (magic.Length != 4 || magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] != expectedDimensions)
            throw new InvalidDataException($"'{path}' is not an idx file of unsigned bytes with {expectedDimensions} dimension(s).");
        items = BinaryPrimitives.ReadInt32BigEndian(reader.ReadBytes(4));
        itemSize = 1;
        for (int d = 1; d < expectedDimensions; d++)
            itemSize *= BinaryPrimitives.ReadInt32BigEndian(reader.ReadBytes(4));
        byte[] data = reader.ReadBytes(items * itemSize);
        if (data.Length != items * itemSize)
            throw new InvalidDataException($"'{path}' ends after {data.Length} of its {items * itemSize} bytes.");
        return data;
    }

    private static void WriteCsv(string path, byte[] images, byte[] labels, int count, int pixels)
    {
        // Each of the 256 pixel values written once, as the shortest text that reads back as the same float.
        string[] values = Enumerable.Range(0, 256).Select(v => (v / 255f).ToString("R", CultureInfo.InvariantCulture)).ToArray();
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine("label," + string.Join(',', Enumerable.Range(0, pixels).Select(j => $"p{j}")));
        var line = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            line.Clear().Append(labels[i].ToString(CultureInfo.InvariantCulture));
            for (int j = 0; j < pixels; j++)
                line.Append(',').Append(values[images[i * pixels + j]]);
            writer.WriteLine(line);
        }
    }
}
