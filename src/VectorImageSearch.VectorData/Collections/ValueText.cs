using System.Globalization;

namespace VectorImageSearch.VectorData.Collections;

/// <summary>
/// The one invariant text form of each data value (metadata is text): writing, reading back and filter equality all use
/// it, so a value compares equal exactly when its text does.
/// </summary>
internal static class ValueText
{
    public static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"A value of type {value.GetType().Name} cannot be stored as record data."),
    };

    public static object? Parse(string? text, Type type)
    {
        if (text is null)
        {
            return null;
        }
        var t = Nullable.GetUnderlyingType(type) ?? type;
        var c = CultureInfo.InvariantCulture;
        return t == typeof(string) ? text
            : t == typeof(bool) ? bool.Parse(text)
            : t == typeof(int) ? int.Parse(text, c)
            : t == typeof(long) ? long.Parse(text, c)
            : t == typeof(short) ? short.Parse(text, c)
            : t == typeof(float) ? float.Parse(text, c)
            : t == typeof(double) ? double.Parse(text, c)
            : t == typeof(decimal) ? decimal.Parse(text, c)
            : t == typeof(DateTime) ? DateTime.Parse(text, c, DateTimeStyles.RoundtripKind)
            : t == typeof(DateTimeOffset) ? DateTimeOffset.Parse(text, c, DateTimeStyles.RoundtripKind)
            : t == typeof(Guid) ? Guid.Parse(text)
            : throw new NotSupportedException($"A data property of type {type.Name} is not supported.");
    }

    /// <summary>The store's key for a record key of type string, long or Guid.</summary>
    public static string Key(object? key, string parameter) => key switch
    {
        string s when s.Length > 0 => s,
        string => throw new ArgumentException("A record key must not be empty.", parameter),
        long l => l.ToString(CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        null => throw new ArgumentNullException(parameter, "A record key must not be null."),
        _ => throw new NotSupportedException($"A key of type {key.GetType().Name} is not supported; use string, long or Guid."),
    };

    /// <summary>The record key of type <paramref name="type"/> for a store key, or <see langword="null"/> when it cannot be one (a key written through another key type).</summary>
    public static object? TryParseKey(string key, Type type)
    {
        if (type == typeof(string))
        {
            return key;
        }
        if (type == typeof(long))
        {
            return long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null;
        }
        return Guid.TryParseExact(key, "D", out var g) ? g : null;
    }
}
