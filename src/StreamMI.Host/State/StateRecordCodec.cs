using System.Buffers.Binary;
using System.Text;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.State;
using StreamMI.Engine.Windows;

namespace StreamMI.Host.State;

/// <summary>
/// The bytes of a <see cref="StateRecord"/>: a marker, a format version, the length of the body,
/// the body, and a 64-bit checksum of everything before it.
/// </summary>
/// <remarks>
/// <para>
/// Layout, little-endian: <c>"SMIS"</c>, format version (UInt16), reserved (UInt16, zero), body
/// length (Int32), body, checksum (UInt64, <see cref="StableHash"/> of all preceding bytes). The
/// body holds the topic, partition, next offset and write time, the monitor, its window and
/// hash seed, each field's kind, caps, bin edges and categorical values by level, the feature
/// pairs, and the panes as lists of non-zero cells with 7-bit encoded numbers.
/// </para>
/// <para>
/// A reader refuses a record of another format version as incompatible before looking further,
/// since its layout may differ; any other damage (marker, length, checksum, contents) makes it
/// corrupt. Nothing in a record is trusted to size an allocation beyond the bytes present.
/// </para>
/// </remarks>
public static class StateRecordCodec
{
    /// <summary>The format version this worker writes and reads.</summary>
    public const ushort FormatVersion = 1;

    private const int HeaderBytes = 12;
    private const int ChecksumBytes = 8;
    private const ulong ChecksumSeed = 0x5354415445UL;

    private static ReadOnlySpan<byte> Marker => "SMIS"u8;

    /// <summary>The bytes of a record.</summary>
    public static byte[] Encode(StateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);

        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            WriteBody(writer, record);
        }

        var bytes = new byte[HeaderBytes + body.Length + ChecksumBytes];
        Marker.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), checked((int)body.Length));
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(bytes.AsSpan(HeaderBytes));
        var checksum = StableHash.Hash(bytes.AsSpan(0, bytes.Length - ChecksumBytes), ChecksumSeed);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - ChecksumBytes), checksum);
        return bytes;
    }

    /// <summary>
    /// Reads a record. Throws <see cref="StateRecordException"/> saying whether it is corrupt or
    /// of another format version, and what is wrong.
    /// </summary>
    public static StateRecord Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes + ChecksumBytes)
        {
            throw Corrupt($"{bytes.Length} bytes is shorter than a state record");
        }

        if (!bytes[..4].SequenceEqual(Marker))
        {
            throw Corrupt("it does not start with the state record marker");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new StateRecordException(
                StateRejection.Incompatible,
                $"it is in state format version {version}; this worker reads version {FormatVersion}");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (length < 0 || (long)HeaderBytes + length + ChecksumBytes != bytes.Length)
        {
            throw Corrupt($"its length field says {length} body bytes but {bytes.Length - HeaderBytes - ChecksumBytes} are there");
        }

        var expected = BinaryPrimitives.ReadUInt64LittleEndian(bytes[^ChecksumBytes..]);
        if (StableHash.Hash(bytes[..^ChecksumBytes], ChecksumSeed) != expected)
        {
            throw Corrupt("its checksum does not match its contents");
        }

        using var body = new MemoryStream(bytes.Slice(HeaderBytes, length).ToArray(), writable: false);
        using var reader = new BinaryReader(body, Encoding.UTF8);
        try
        {
            var record = ReadBody(reader, body);
            if (body.Position != body.Length)
            {
                throw Corrupt($"{body.Length - body.Position} bytes follow its contents");
            }

            return record;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException
            or ArgumentException or OverflowException or InvalidDataException)
        {
            throw new StateRecordException(StateRejection.Corrupt, $"its contents cannot be read ({ex.Message})", ex);
        }
    }

    private static void WriteBody(BinaryWriter writer, StateRecord record)
    {
        var state = record.State;
        writer.Write(record.Topic);
        writer.Write(record.Partition);
        writer.Write(record.NextOffset);
        writer.Write(record.WrittenAtMs);
        writer.Write(state.Monitor);
        writer.Write((byte)state.Window.Mode);
        writer.Write(state.Window.Length.Ticks);
        writer.Write(state.Window.Panes);
        writer.Write(state.HashSeed);

        writer.Write7BitEncodedInt(state.Fields.Count);
        foreach (var field in state.Fields)
        {
            writer.Write(field.Name);
            writer.Write((byte)field.Kind);
            writer.Write(field.LevelCap);
            writer.Write(field.TailBuckets);
            writer.Write(field.Bins);
            writer.Write(field.Edges is not null);
            if (field.Edges is { } edges)
            {
                writer.Write7BitEncodedInt(edges.Count);
                foreach (var edge in edges)
                {
                    writer.Write(edge);
                }
            }

            writer.Write7BitEncodedInt(field.Values.Count);
            foreach (var (level, value) in field.Values.OrderBy(kv => kv.Key))
            {
                writer.Write7BitEncodedInt(level);
                writer.Write(value);
            }
        }

        writer.Write7BitEncodedInt(state.Pairs.Count);
        foreach (var (a, b) in state.Pairs)
        {
            writer.Write7BitEncodedInt(a);
            writer.Write7BitEncodedInt(b);
        }

        var tables = state.Tables;
        writer.Write(tables.NewestPane);
        writer.Write(tables.FirstPane);
        writer.Write(tables.MinTimeMs);
        writer.Write(tables.MaxTimeMs);
        writer.Write7BitEncodedInt(tables.Panes.Count);
        foreach (var pane in tables.Panes)
        {
            writer.Write(pane.Id);
            writer.Write7BitEncodedInt(pane.FeatureTarget.Count);
            writer.Write7BitEncodedInt(pane.Pairs.Count);
            foreach (var cells in pane.FeatureTarget.Concat(pane.Pairs))
            {
                writer.Write7BitEncodedInt(cells.Length);
                foreach (var cell in cells)
                {
                    writer.Write7BitEncodedInt(cell.Row);
                    writer.Write7BitEncodedInt(cell.Column);
                    writer.Write7BitEncodedInt(cell.Count);
                }
            }
        }
    }

    private static StateRecord ReadBody(BinaryReader reader, MemoryStream body)
    {
        var topic = reader.ReadString();
        var partition = reader.ReadInt32();
        var nextOffset = reader.ReadInt64();
        var writtenAt = reader.ReadInt64();
        var monitor = reader.ReadString();
        var mode = ReadEnum<WindowMode>(reader.ReadByte());
        var length = TimeSpan.FromTicks(reader.ReadInt64());
        var panes = reader.ReadInt32();
        var hashSeed = reader.ReadUInt64();

        var fields = new FieldState[Count(reader, body)];
        for (var i = 0; i < fields.Length; i++)
        {
            var name = reader.ReadString();
            var kind = ReadEnum<FeatureKind>(reader.ReadByte());
            var levelCap = reader.ReadInt32();
            var tailBuckets = reader.ReadInt32();
            var bins = reader.ReadInt32();
            double[]? edges = null;
            if (reader.ReadBoolean())
            {
                edges = new double[Count(reader, body)];
                for (var e = 0; e < edges.Length; e++)
                {
                    edges[e] = reader.ReadDouble();
                }
            }

            var values = new Dictionary<int, string>();
            var valueCount = Count(reader, body);
            for (var v = 0; v < valueCount; v++)
            {
                var level = reader.Read7BitEncodedInt();
                values[level] = reader.ReadString();
            }

            fields[i] = new FieldState
            {
                Name = name,
                Kind = kind,
                LevelCap = levelCap,
                TailBuckets = tailBuckets,
                Bins = bins,
                Edges = edges,
                Values = values,
            };
        }

        var pairs = new (int A, int B)[Count(reader, body)];
        for (var p = 0; p < pairs.Length; p++)
        {
            pairs[p] = (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
        }

        var newest = reader.ReadInt64();
        var first = reader.ReadInt64();
        var minTime = reader.ReadInt64();
        var maxTime = reader.ReadInt64();
        var savedPanes = new PaneState[Count(reader, body)];
        for (var p = 0; p < savedPanes.Length; p++)
        {
            var id = reader.ReadInt64();
            var featureTables = Count(reader, body);
            var pairTables = Count(reader, body);
            var tables = new TableCell[featureTables + pairTables][];
            for (var t = 0; t < tables.Length; t++)
            {
                tables[t] = new TableCell[Count(reader, body)];
                for (var c = 0; c < tables[t].Length; c++)
                {
                    tables[t][c] = new TableCell(
                        reader.Read7BitEncodedInt(),
                        reader.Read7BitEncodedInt(),
                        reader.Read7BitEncodedInt());
                }
            }

            savedPanes[p] = new PaneState(id, tables[..featureTables], tables[featureTables..]);
        }

        var window = new WindowSpec(mode, length, panes);
        var state = new PartitionState
        {
            Monitor = monitor,
            Window = window,
            HashSeed = hashSeed,
            Fields = fields,
            Pairs = pairs,
            Tables = new PartitionWindowState(newest, first, minTime, maxTime, savedPanes),
        };
        return new StateRecord(topic, partition, nextOffset, writtenAt, state);
    }

    // A count is never more than the bytes left, since every item takes at least one byte.
    private static int Count(BinaryReader reader, MemoryStream body)
    {
        var count = reader.Read7BitEncodedInt();
        if (count < 0 || count > body.Length - body.Position)
        {
            throw new InvalidDataException($"a count of {count} items does not fit in the bytes left");
        }

        return count;
    }

    private static T ReadEnum<T>(byte value)
        where T : struct, Enum
    {
        var result = (T)Enum.ToObject(typeof(T), value);
        return Enum.IsDefined(result) ? result : throw new InvalidDataException($"{value} is not a {typeof(T).Name}");
    }

    private static StateRecordException Corrupt(string message) => new(StateRejection.Corrupt, message);
}
