namespace StreamMI.Cli.Commands;

/// <summary>
/// Reads <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options and positional
/// arguments. Every option must be known to the command; an unknown one is a usage error.
/// </summary>
internal sealed class ArgReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public ArgReader(IReadOnlyList<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "-" || !arg.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            if (flagOptions.Contains(name) && eq < 0)
            {
                _flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                string value;
                if (eq > 0)
                {
                    value = arg[(eq + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                if (!_values.TryGetValue(name, out var list))
                {
                    _values[name] = list = [];
                }

                list.Add(value);
            }
            else
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    /// <summary>A comma-separated list, from one or more occurrences of the option.</summary>
    public List<string> List(string name) => _values.TryGetValue(name, out var list)
        ? [.. list.SelectMany(v => v.Split(',', SplitOptions))]
        : [];

    private const StringSplitOptions SplitOptions =
        StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;

    public int Int(string name, int fallback, int min, int max)
    {
        var text = Value(name);
        if (text is null)
        {
            return fallback;
        }

        var parsed = int.TryParse(
            text,
            System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture,
            out var value);
        if (!parsed || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a whole number from {min} to {max}; it is '{text}'.");
        }

        return value;
    }
}
