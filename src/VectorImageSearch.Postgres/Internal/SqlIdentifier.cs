using System.Text.RegularExpressions;

namespace VectorImageSearch.Postgres.Internal;

/// <summary>
/// The only way a name reaches SQL text: lower-case ASCII letters, digits and underscores, starting with a letter or
/// underscore, at most 63 characters (PostgreSQL's limit), and no PostgreSQL-reserved <c>pg_</c> prefix. Such a name
/// needs no quoting; it is quoted anyway.
/// </summary>
internal static partial class SqlIdentifier
{
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static void Validate(string? name, string parameterName)
    {
        if (name is null)
        {
            throw new ArgumentNullException(parameterName, $"{parameterName} is required.");
        }
        if (!Pattern().IsMatch(name) || name.StartsWith("pg_", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"{parameterName} '{Printable(name)}' is not a valid name: use 1 to 63 lower-case ASCII letters, digits and underscores, starting with a letter or underscore and not with 'pg_'.",
                parameterName);
        }
    }

    /// <summary>A validated identifier, double-quoted.</summary>
    public static string Quote(string name)
    {
        Validate(name, nameof(name));
        return "\"" + name + "\"";
    }

    // Names are echoed in messages; keep control characters out of logs.
    private static string Printable(string name)
    {
        var text = name.Length > 80 ? name[..80] + "…" : name;
        return string.Create(text.Length, text, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }
}
