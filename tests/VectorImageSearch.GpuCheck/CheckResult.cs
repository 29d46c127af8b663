namespace VectorImageSearch.GpuCheck;

/// <summary>One check's outcome: its name, whether it passed, and the figures behind the verdict.</summary>
internal sealed record CheckResult(string Name, bool Passed, string Detail);
