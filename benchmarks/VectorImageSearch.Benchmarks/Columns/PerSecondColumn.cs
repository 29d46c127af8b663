using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace VectorImageSearch.Benchmarks.Columns;

/// <summary>A throughput column: the value of a count parameter divided by the mean time of one operation.</summary>
/// <param name="columnName">The header, e.g. "Images/s".</param>
/// <param name="countParameter">The benchmark parameter holding how many items one operation handles.</param>
internal sealed class PerSecondColumn(string columnName, string countParameter) : IColumn
{
    public string Id => nameof(PerSecondColumn) + "." + columnName;

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"{countParameter} divided by the mean time of one operation";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var count = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == countParameter)?.Value;
        if (mean is null or <= 0 || count is null)
        {
            return "NA";
        }
        var items = Convert.ToDouble(count, CultureInfo.InvariantCulture);
        return (items / (mean.Value / 1e9)).ToString("N1", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
