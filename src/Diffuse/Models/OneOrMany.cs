using System.Text.Json.Serialization;

namespace Diffuse.Models;

/// <summary>
/// A config value diffusers accepts as one value for every block or as a list with one per block
/// (<c>Union[int, Tuple[int]]</c>: <c>attention_head_dim</c>, <c>cross_attention_dim</c>, <c>layers_per_block</c>, ...).
/// It remembers which form it was read in, so a config is written back as it came.
/// </summary>
[JsonConverter(typeof(OneOrManyJsonConverter))]
public sealed record OneOrMany<T>
{
    private readonly T[] _values;

    /// <summary>One value for every block (written as a bare JSON value).</summary>
    public OneOrMany(T value) => _values = [value];

    /// <summary>One value per block (written as a JSON list).</summary>
    public OneOrMany(IEnumerable<T> values)
    {
        _values = [.. values];
        IsList = true;
    }

    public bool IsList { get; }

    /// <summary>The values as given: one, or one per block.</summary>
    public IReadOnlyList<T> Values => _values;

    /// <summary>The value for each of <paramref name="count"/> blocks (a single value repeated, as diffusers does).</summary>
    public T[] PerBlock(int count) => IsList ? [.. _values] : Enumerable.Repeat(_values[0], count).ToArray();

    public bool Equals(OneOrMany<T>? other) => other is not null && IsList == other.IsList && _values.SequenceEqual(other._values);

    public override int GetHashCode() => _values.Aggregate(IsList.GetHashCode(), (hash, v) => HashCode.Combine(hash, v));

    public override string ToString() => IsList ? $"[{string.Join(", ", _values)}]" : $"{_values[0]}";

    public static implicit operator OneOrMany<T>(T value) => new(value);

    public static implicit operator OneOrMany<T>(T[] values) => new((IEnumerable<T>)values);
}
