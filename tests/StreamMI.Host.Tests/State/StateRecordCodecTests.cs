using System.Buffers.Binary;
using StreamMI.Engine.Discretisation;
using StreamMI.Engine.State;
using StreamMI.Engine.Windows;
using StreamMI.Host.State;

namespace StreamMI.Host.Tests.State;

public sealed class StateRecordCodecTests
{
    [Fact]
    public void Decode_EncodedRecord_GivesBackEveryField()
    {
        var record = Sample();

        var decoded = StateRecordCodec.Decode(StateRecordCodec.Encode(record));

        Assert.Equal(record.Topic, decoded.Topic);
        Assert.Equal(record.Partition, decoded.Partition);
        Assert.Equal(record.NextOffset, decoded.NextOffset);
        Assert.Equal(record.WrittenAtMs, decoded.WrittenAtMs);
        Assert.Equal(record.State.Monitor, decoded.State.Monitor);
        Assert.Equal(record.State.Window, decoded.State.Window);
        Assert.Equal(record.State.HashSeed, decoded.State.HashSeed);
        Assert.Equal(record.State.Pairs, decoded.State.Pairs);
        for (var f = 0; f < record.State.Fields.Count; f++)
        {
            var (expected, actual) = (record.State.Fields[f], decoded.State.Fields[f]);
            Assert.Equal(expected with { Edges = null, Values = actual.Values }, actual with { Edges = null });
            Assert.Equal(expected.Edges, actual.Edges);
            Assert.Equal(expected.Values.OrderBy(kv => kv.Key), actual.Values.OrderBy(kv => kv.Key));
        }

        var (tables, back) = (record.State.Tables, decoded.State.Tables);
        Assert.Equal(tables with { Panes = [] }, back with { Panes = [] });
        Assert.Equal(tables.Panes.Count, back.Panes.Count);
        for (var p = 0; p < tables.Panes.Count; p++)
        {
            Assert.Equal(tables.Panes[p].Id, back.Panes[p].Id);
            Assert.Equal(tables.Panes[p].FeatureTarget.SelectMany(c => c), back.Panes[p].FeatureTarget.SelectMany(c => c));
            Assert.Equal(tables.Panes[p].FeatureTarget.Select(c => c.Length), back.Panes[p].FeatureTarget.Select(c => c.Length));
            Assert.Equal(tables.Panes[p].Pairs.SelectMany(c => c), back.Panes[p].Pairs.SelectMany(c => c));
        }
    }

    [Fact]
    public void Decode_AnySingleBitFlippedAfterTheVersion_IsCorrupt()
    {
        var bytes = StateRecordCodec.Encode(Sample());

        // Every byte but the marker and the version, each with its lowest and highest bit.
        for (var i = 6; i < bytes.Length; i++)
        {
            foreach (var bit in new byte[] { 0x01, 0x80 })
            {
                var damaged = (byte[])bytes.Clone();
                damaged[i] ^= bit;

                var error = Assert.Throws<StateRecordException>(() => StateRecordCodec.Decode(damaged));

                Assert.Equal(StateRejection.Corrupt, error.Rejection);
            }
        }
    }

    [Fact]
    public void Decode_OtherFormatVersion_IsIncompatibleNamingBothVersions()
    {
        var bytes = StateRecordCodec.Encode(Sample());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);

        var error = Assert.Throws<StateRecordException>(() => StateRecordCodec.Decode(bytes));

        Assert.Equal(StateRejection.Incompatible, error.Rejection);
        Assert.Equal("it is in state format version 2; this worker reads version 1", error.Message);
    }

    [Theory]
    [InlineData(0, "0 bytes is shorter than a state record")]
    [InlineData(19, "19 bytes is shorter than a state record")]
    [InlineData(40, "its length field says")]
    public void Decode_Truncated_IsCorruptSayingWhy(int length, string expected)
    {
        var bytes = StateRecordCodec.Encode(Sample())[..length];

        var error = Assert.Throws<StateRecordException>(() => StateRecordCodec.Decode(bytes));

        Assert.Equal(StateRejection.Corrupt, error.Rejection);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NotAStateRecord_IsCorrupt()
    {
        var error = Assert.Throws<StateRecordException>(() => StateRecordCodec.Decode("{\"label\":\"a\",\"more\":\"text\"}"u8));

        Assert.Equal(StateRejection.Corrupt, error.Rejection);
        Assert.Equal("it does not start with the state record marker", error.Message);
    }

    [Fact]
    public void Decode_CountLargerThanTheBytesLeftUnderAValidChecksum_IsCorruptWithoutAllocatingIt()
    {
        // A body whose first string claims 2^31 - 1 bytes, sealed with a correct checksum, as a
        // writer with a bug would make it: the reader must say so, not try to allocate it.
        byte[] body = [0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x41];
        var bytes = new byte[12 + body.Length + 8];
        "SMIS"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), StateRecordCodec.FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), body.Length);
        body.CopyTo(bytes.AsSpan(12));
        var checksum = StableHash.Hash(bytes.AsSpan(0, bytes.Length - 8), 0x5354415445UL);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), checksum);

        var error = Assert.Throws<StateRecordException>(() => StateRecordCodec.Decode(bytes));

        Assert.Equal(StateRejection.Corrupt, error.Rejection);
        Assert.StartsWith("its contents cannot be read", error.Message, StringComparison.Ordinal);
    }

    private static StateRecord Sample()
    {
        var fields = new[]
        {
            new FieldState
            {
                Name = "région",
                Kind = FeatureKind.Categorical,
                LevelCap = 4096,
                TailBuckets = 256,
                Bins = 10,
                Values = new Dictionary<int, string> { [1] = "nörth \"q\"", [7] = "" },
            },
            new FieldState { Name = "amount", Kind = FeatureKind.Numeric, Bins = 4, Edges = [-1.5, 0, 1e300] },
            new FieldState { Name = "mobile", Kind = FeatureKind.Boolean },
            new FieldState { Name = "label", Kind = FeatureKind.Categorical, LevelCap = 1024, TailBuckets = 64, Values = new Dictionary<int, string> { [2] = "b" } },
        };
        TableCell[][] FeatureTables(int scale) =>
        [
            [new TableCell(1, 2, 3 * scale), new TableCell(7, 2, 1)],
            [new TableCell(4, 2, (3 * scale) + 1)],
            [new TableCell(2, 2, (3 * scale) + 1)],
        ];
        var tables = new PartitionWindowState(
            NewestPane: 850_000_001,
            FirstPane: 849_999_990,
            MinTimeMs: 1_699_999_980_000,
            MaxTimeMs: 1_700_000_003_999,
            Panes:
            [
                new PaneState(849_999_995, FeatureTables(1), [[new TableCell(1, 4, 4)]]),
                new PaneState(850_000_001, FeatureTables(1000), [[new TableCell(130, 0, 3001)]]),
            ]);
        var state = new PartitionState
        {
            Monitor = "checkout/eu",
            Window = WindowSpec.Sliding(TimeSpan.FromMinutes(1), 30),
            HashSeed = 0xDEADBEEF,
            Fields = fields,
            Pairs = [(0, 1)],
            Tables = tables,
        };
        return new StateRecord("orders.v2", 11, 123_456_789_012, 1_700_000_004_000, state);
    }
}
