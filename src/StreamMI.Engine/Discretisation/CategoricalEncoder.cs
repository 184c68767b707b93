using System.Text;

namespace StreamMI.Engine.Discretisation;

/// <summary>
/// Gives each distinct value of a categorical variable a level number: exact levels for the
/// first <see cref="ExactLevelCap"/> distinct values, then a fixed number of hashed buckets.
/// </summary>
/// <remarks>
/// <para>
/// Memory is bounded whatever the input: at most <see cref="ExactLevelCap"/> values are stored,
/// none longer than <see cref="MaxExactValueBytes"/>, and a table over this encoder never has more
/// than <see cref="Capacity"/> rows. A longer value always goes to a hashed bucket, so a producer
/// that sends megabyte-long distinct values cannot make the stored values take gigabytes.
/// Hashing a value
/// into a bucket computes the exact MI of the bucketed variable, which is never more than the MI
/// of the raw one; the information lost is that of the values told apart only by their bucket.
/// </para>
/// <para>
/// Known shortcoming: exact levels go to the first distinct values seen, not to the most frequent
/// ones. On a stream whose frequent values first appear after the cap is reached, those values
/// share hashed buckets while rare early values keep exact levels, and the reported MI is lower
/// than it would be with frequency-aware slots. <see cref="IsCapped"/> tells when this can happen.
/// </para>
/// <para>
/// Threads: <see cref="Encode"/> may be called from any number of threads. Lookups of known
/// values take no lock; adding a new exact level takes a short lock, which only happens
/// <see cref="ExactLevelCap"/> times in the encoder's life.
/// </para>
/// </remarks>
public sealed class CategoricalEncoder
{
    private readonly ByteStringTable _levels = new();
    private readonly string?[] _names;
    private readonly Lock _gate = new();
    private readonly ulong _seed;
    private readonly int _maxExactValueBytes;
    private int _exactLevels;
    private volatile bool _full;
    private volatile bool _capped;

    /// <summary>The longest value, in UTF-8 bytes, that gets an exact level by default.</summary>
    public const int DefaultMaxExactValueBytes = 256;

    /// <summary>Creates an encoder.</summary>
    public CategoricalEncoder(
        int exactLevelCap = 4096,
        int tailBuckets = 256,
        ulong hashSeed = 0,
        int maxExactValueBytes = DefaultMaxExactValueBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exactLevelCap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tailBuckets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExactValueBytes);

        _maxExactValueBytes = maxExactValueBytes;
        ExactLevelCap = exactLevelCap;
        TailBuckets = tailBuckets;
        _seed = hashSeed;
        _names = new string?[1 + exactLevelCap];
        _names[Levels.Missing] = Levels.MissingName;
    }

    /// <summary>Distinct values that get a level of their own.</summary>
    public int ExactLevelCap { get; }

    /// <summary>Values longer than this many UTF-8 bytes share the hashed buckets.</summary>
    public int MaxExactValueBytes => _maxExactValueBytes;

    /// <summary>Buckets shared by the values beyond the cap.</summary>
    public int TailBuckets { get; }

    /// <summary>Level numbers in use at most: missing, exact levels and buckets.</summary>
    public int Capacity => 1 + ExactLevelCap + TailBuckets;

    /// <summary>Exact levels assigned so far.</summary>
    public int ExactLevels => Volatile.Read(ref _exactLevels);

    /// <summary>True once a value has gone to a hashed bucket: the cap was reached, or a value
    /// was longer than <see cref="MaxExactValueBytes"/>.</summary>
    public bool IsCapped => _capped;

    /// <summary>The seed of the bucket hash; the same seed must be used by a reference window.</summary>
    public ulong HashSeed => _seed;

    /// <summary>The level of a raw value given as UTF-8 bytes.</summary>
    public int Encode(ReadOnlySpan<byte> utf8)
    {
        // The flag is read before the lookup. Once it is set no exact level is ever added, so a
        // lookup after it sees every exact value. Read after a missed lookup instead, it races:
        // thread A misses value v, thread B adds v as the last exact level, thread C finds the
        // cap reached and sets the flag, and A would then send v to a bucket although v has an
        // exact level.
        var full = _full;
        if (utf8.Length > _maxExactValueBytes)
        {
            return Bucket(utf8);
        }

        if (_levels.TryGetValue(utf8, out var level))
        {
            return level;
        }

        return full ? Bucket(utf8) : Add(utf8);
    }

    /// <summary>The value a level stands for, for reports.</summary>
    public string LevelName(int level)
    {
        if (level <= ExactLevelCap)
        {
            return Volatile.Read(ref _names[level]) ?? $"(level {level})";
        }

        return $"(hashed bucket {level - ExactLevelCap - 1})";
    }

    /// <summary>
    /// The raw value of an exact level, or null for the missing level, a hashed bucket or a level
    /// not assigned yet. Saved window state names its levels by these values, because level
    /// numbers follow arrival order and differ from one process to the next.
    /// </summary>
    public string? ExactValue(int level) =>
        level >= 1 && level <= ExactLevelCap ? Volatile.Read(ref _names[level]) : null;

    /// <summary>The exact values in level order, for saving a dictionary with a reference.</summary>
    public IReadOnlyList<string> ExactValues()
    {
        var count = ExactLevels;
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = _names[i + 1] ?? string.Empty;
        }

        return values;
    }

    /// <summary>
    /// Gives <paramref name="values"/> the exact levels 1, 2, … in order, as a reference's level
    /// dictionary dictates, so the same value gets the same level in the reference and here. Only
    /// before the first <see cref="Encode"/>.
    /// </summary>
    public void Preload(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);

        lock (_gate)
        {
            if (_exactLevels != 0 || _capped)
            {
                throw new InvalidOperationException("A level dictionary can only be loaded into an empty encoder.");
            }

            if (values.Count > ExactLevelCap)
            {
                throw new ArgumentException(
                    $"{values.Count} values do not fit "
                    + $"a level cap of {ExactLevelCap}.", nameof(values));
            }

            var level = 0;
            foreach (var value in values)
            {
                level++;
                var utf8 = Encoding.UTF8.GetBytes(value);

                // Encode sends a value this long to a bucket before looking it up, so an exact
                // level for it would never be used and the two windows would disagree.
                if (utf8.Length > _maxExactValueBytes)
                {
                    throw new ArgumentException(
                        $"The value at level {level} is longer than {_maxExactValueBytes} bytes, "
                        + "which never get an exact level.",
                        nameof(values));
                }

                if (_levels.TryGetValue(utf8, out _))
                {
                    throw new ArgumentException($"The value '{value}' is listed twice.", nameof(values));
                }

                _levels.Add(utf8, level);

                _names[level] = value;
            }

            Volatile.Write(ref _exactLevels, level);
        }
    }

    private int Add(ReadOnlySpan<byte> utf8)
    {
        lock (_gate)
        {
            if (_levels.TryGetValue(utf8, out var level))
            {
                return level;
            }

            if (_exactLevels == ExactLevelCap)
            {
                _full = true;
                return Bucket(utf8);
            }

            level = _exactLevels + 1;
            Volatile.Write(ref _names[level], Encoding.UTF8.GetString(utf8));
            _levels.Add(utf8, level);
            Volatile.Write(ref _exactLevels, level);
            return level;
        }
    }

    private int Bucket(ReadOnlySpan<byte> utf8)
    {
        _capped = true;
        var bucket = (int)(StableHash.Hash(utf8, _seed) % (ulong)TailBuckets);
        return 1 + ExactLevelCap + bucket;
    }
}
