using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace StreamMI.Decoding.Json;

/// <summary>
/// One step of the requested field paths, arranged as a tree keyed by the UTF-8 bytes of
/// property names, so that a property is matched without decoding its name to a string.
/// </summary>
internal sealed class JsonPathNode
{
    // Up to this many children a straight scan (length first, then bytes) beats hashing.
    private const int LinearSearchLimit = 4;

    private readonly Dictionary<string, JsonPathNode> _building =
        new(StringComparer.Ordinal);

    private byte[][] _names = [];

    private int[] _nameLengths = [];

    // Bit (length mod 64) is set for each child name's length: most property names of an
    // event are not requested, and this rejects many of them with one test.
    private ulong _lengthBits;

    private JsonPathNode[] _children = [];

    // Open addressing: slot holds child index + 1, or 0 when empty. Length is a power of
    // two at least twice the child count, so every probe sequence meets an empty slot.
    private int[] _slots = [];

    /// <summary>The requested field this node completes, or -1.</summary>
    public int Field { get; set; } = -1;

    /// <summary>The number of segments from the root to the deepest node below this
    /// one.</summary>
    public int Height { get; private set; }

    public bool HasChildren => _children.Length > 0;

    public JsonPathNode GetOrAddChild(string name)
    {
        if (!_building.TryGetValue(name, out var child))
        {
            child = new JsonPathNode();
            _building.Add(name, child);
        }

        return child;
    }

    /// <summary>Turns the building dictionaries into the lookup arrays, for this node and
    /// every node below it. Called once, before the first lookup.</summary>
    public void Freeze()
    {
        _names = new byte[_building.Count][];
        _nameLengths = new int[_building.Count];
        _children = new JsonPathNode[_building.Count];
        int i = 0;
        int height = 0;
        foreach (var (name, child) in _building)
        {
            child.Freeze();
            height = Math.Max(height, child.Height + 1);
            _names[i] = Encoding.UTF8.GetBytes(name);
            _nameLengths[i] = _names[i].Length;
            _lengthBits |= 1UL << (_nameLengths[i] & 63);
            _children[i] = child;
            i++;
        }

        Height = height;
        _building.Clear();

        if (_children.Length > LinearSearchLimit)
        {
            BuildSlots();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public JsonPathNode? Find(ReadOnlySpan<byte> name) =>
        (_lengthBits & (1UL << (name.Length & 63))) == 0 ? null : FindByName(name);

    private JsonPathNode? FindByName(ReadOnlySpan<byte> name)
    {
        if (_slots.Length == 0)
        {
            for (int i = 0; i < _nameLengths.Length; i++)
            {
                if (_nameLengths[i] == name.Length && name.SequenceEqual(_names[i]))
                {
                    return _children[i];
                }
            }

            return null;
        }

        int mask = _slots.Length - 1;
        int slot = (int)Hash(name) & mask;
        while (true)
        {
            int entry = _slots[slot];
            if (entry == 0)
            {
                return null;
            }

            if (name.SequenceEqual(_names[entry - 1]))
            {
                return _children[entry - 1];
            }

            slot = (slot + 1) & mask;
        }
    }

    private void BuildSlots()
    {
        int size = 1;
        while (size < _names.Length * 2)
        {
            size <<= 1;
        }

        _slots = new int[size];
        for (int i = 0; i < _names.Length; i++)
        {
            int slot = (int)Hash(_names[i]) & (size - 1);
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & (size - 1);
            }

            _slots[slot] = i + 1;
        }

        Debug.Assert(_slots.Count(s => s != 0) == _names.Length, "every child has a slot");
    }

    // FNV-1a. An unkeyed hash is safe here: the table holds only the configured names and
    // is never filled from input, so a crafted name can at worst walk the longest run of
    // occupied slots, which is no longer than the child count.
    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}
