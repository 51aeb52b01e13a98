using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diffuse.Models;

/// <summary>Reads and writes <see cref="OneOrMany{T}"/>: a bare JSON value or a flat JSON list of them.</summary>
public sealed class OneOrManyJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(OneOrMany<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class Converter<T> : JsonConverter<OneOrMany<T>>
    {
        public override OneOrMany<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray) return new OneOrMany<T>(ReadOne(ref reader, options));
            var values = new List<T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) values.Add(ReadOne(ref reader, options));
            if (values.Count == 0) throw new JsonException("an empty list where one value or one per block is expected");
            return new OneOrMany<T>(values);
        }

        private static T ReadOne(ref Utf8JsonReader reader, JsonSerializerOptions options)
        {
            string expected = typeof(T) == typeof(bool) ? "true or false" : typeof(T) == typeof(int) ? "a whole number" : $"a {typeof(T).Name}";
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject or JsonTokenType.Null)
                throw new JsonException($"expected {expected} or a flat list of them");
            try { return JsonSerializer.Deserialize<T>(ref reader, options)!; }
            catch (JsonException) { throw new JsonException($"expected {expected} or a flat list of them"); }
        }

        public override void Write(Utf8JsonWriter writer, OneOrMany<T> value, JsonSerializerOptions options)
        {
            if (!value.IsList)
            {
                JsonSerializer.Serialize(writer, value.Values[0], options);
                return;
            }
            writer.WriteStartArray();
            foreach (var v in value.Values) JsonSerializer.Serialize(writer, v, options);
            writer.WriteEndArray();
        }
    }
}
