using StreamMI.Decoding;
using StreamMI.Engine.Discretisation;

namespace StreamMI.Host.Pipeline;

/// <summary>
/// Infers each field's kind from the JSON type of its value in one sample event: a number is
/// numeric, a boolean is boolean, text is categorical. Used once, when a monitor has no feature
/// list and its fields are discovered from the first event.
/// </summary>
internal sealed class TokenKindSink(int fields) : IFieldSink
{
    private readonly FeatureKind?[] _kinds = new FeatureKind?[fields];

    public (FeatureKind Kind, string Reason)? KindOf(int field) => _kinds[field] switch
    {
        FeatureKind.Numeric => (FeatureKind.Numeric, "a JSON number in the first event"),
        FeatureKind.Boolean => (FeatureKind.Boolean, "a JSON boolean in the first event"),
        FeatureKind.Categorical => (FeatureKind.Categorical, "a JSON string in the first event"),
        _ => null,
    };

    public void OnText(int field, ReadOnlySpan<byte> utf8) => _kinds[field] = FeatureKind.Categorical;

    public void OnNumber(int field, double value, ReadOnlySpan<byte> rawToken) => _kinds[field] = FeatureKind.Numeric;

    public void OnBoolean(int field, bool value) => _kinds[field] = FeatureKind.Boolean;

    public void OnNull(int field)
    {
    }
}
