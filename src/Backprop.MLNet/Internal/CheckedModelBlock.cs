using System.Security.Cryptography;
using System.Text;

namespace Backprop.MLNet.Internal;

/// <summary>
/// How a Backprop model entry keeps its own data inside ML.NET's model file: the payload's length, its SHA-256, then
/// the payload, so every byte Backprop reads (networks, feature scaling, task data) is verified before it is parsed.
/// Readers here check every count against the bytes that remain before allocating, and never call ML.NET's array
/// readers, which loop forever on a count longer than the stream.
/// </summary>
internal static class CheckedModelBlock
{
    /// <summary>No Backprop model comes near this; a larger length is damage.</summary>
    private const long MaxPayloadBytes = int.MaxValue - 64;

    private const int ReadChunkBytes = 1 << 20;

    /// <summary>Writes the payload that <paramref name="write"/> produces, under its length and checksum.</summary>
    public static void Write(BinaryWriter writer, Action<BinaryWriter> write)
    {
        using var payload = new MemoryStream();
        using (var payloadWriter = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
            write(payloadWriter);
        ReadOnlySpan<byte> bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        writer.Write((long)bytes.Length);
        writer.Write(SHA256.HashData(bytes));
        writer.Write(bytes);
    }

    /// <summary>Reads and verifies a block written by <see cref="Write"/>; returns a reader over its payload.</summary>
    /// <exception cref="InvalidDataException">The block is truncated or does not match its checksum.</exception>
    public static BinaryReader Read(BinaryReader reader)
    {
        long length = ReadOrDamaged(reader.ReadInt64);
        if (length < 0 || length > MaxPayloadBytes)
            throw new InvalidDataException($"its data length {length} is not valid.");
        byte[] hash = Bytes(reader, 32);
        byte[] payload = Bytes(reader, (int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            throw new InvalidDataException("its checksum does not match its contents.");
        return new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
    }

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes, growing in pieces unless the stream can say how much remains, so a
    /// damaged count ends in an exception without a huge allocation.
    /// </summary>
    public static byte[] Bytes(BinaryReader reader, int count)
    {
        Stream stream = reader.BaseStream;
        if (count < 0 || stream.CanSeek && count > stream.Length - stream.Position)
            throw new InvalidDataException($"it claims {count} bytes where {(stream.CanSeek ? stream.Length - stream.Position : 0)} remain.");
        using var buffer = new MemoryStream(Math.Min(count, ReadChunkBytes));
        var chunk = new byte[Math.Min(count, ReadChunkBytes)];
        for (int left = count; left > 0;)
        {
            int read = reader.Read(chunk, 0, Math.Min(left, chunk.Length));
            if (read == 0)
                throw new InvalidDataException($"it ends {left} bytes early: the file is truncated.");
            buffer.Write(chunk, 0, read);
            left -= read;
        }
        return buffer.ToArray();
    }

    /// <summary>A length-prefixed float array (ML.NET's layout), its count checked before anything is allocated.</summary>
    public static float[] Floats(BinaryReader reader, int expected)
    {
        int count = ReadOrDamaged(reader.ReadInt32);
        if (count != expected)
            throw new InvalidDataException($"it holds {count} feature values where the network takes {expected}.");
        byte[] bytes = Bytes(reader, checked(count * sizeof(float)));
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>A length-prefixed byte array (ML.NET's layout), its length checked before anything is allocated.</summary>
    public static byte[] ByteArray(BinaryReader reader)
    {
        int count = ReadOrDamaged(reader.ReadInt32);
        if (count <= 0)
            throw new InvalidDataException($"it claims a network of {count} bytes.");
        return Bytes(reader, count);
    }

    public static T ReadOrDamaged<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("it ends early: the file is truncated.", e);
        }
    }
}
