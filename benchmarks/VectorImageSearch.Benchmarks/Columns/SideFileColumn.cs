using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VectorImageSearch.Benchmarks.Columns;

/// <summary>
/// A column whose value the benchmark process measured itself (for example the bytes an index holds per vector) and left
/// in a small JSON file keyed by the case's parameters: BenchmarkDotNet runs each case in a child process, while columns
/// are computed in the host, so the two meet on disk (<see cref="Write"/> in the child, <see cref="GetValue(Summary, BenchmarkCase)"/> in the host).
/// </summary>
/// <param name="columnName">The header.</param>
/// <param name="key">The value's name in the file.</param>
/// <param name="format">The number format.</param>
internal sealed class SideFileColumn(string columnName, string key, string format = "N1") : IColumn
{
    private static string Folder => Path.Combine(Path.GetTempPath(), "vis-bench-side-values");

    public string Id => nameof(SideFileColumn) + "." + key;

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{columnName}: measured inside the benchmark process";

    /// <summary>Records <paramref name="values"/> for the case identified by <paramref name="caseKey"/>.</summary>
    public static void Write(string caseKey, IReadOnlyDictionary<string, double> values)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, caseKey + ".json"), JsonSerializer.Serialize(values));
    }

    /// <summary>The file key of a case: its parameters as name=value, ordered by name, joined.</summary>
    public static string CaseKey(IEnumerable<(string Name, object Value)> parameters) =>
        string.Join("_", parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}"));

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var file = Path.Combine(Folder, CaseKey(benchmarkCase.Parameters.Items.Select(p => (p.Name, p.Value))) + ".json");
        if (!File.Exists(file))
        {
            return "NA";
        }
        var values = JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(file));
        return values is not null && values.TryGetValue(key, out var value) ? value.ToString(format, CultureInfo.InvariantCulture) : "NA";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
