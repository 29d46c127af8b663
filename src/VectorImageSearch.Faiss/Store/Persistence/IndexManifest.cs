using System.Text.Json.Serialization;

namespace VectorImageSearch.Persistence;

/// <summary>
/// manifest.json of a saved index: what built it and which files hold it. It is written last and atomically,
/// so the files it names are always complete.
/// </summary>
internal sealed record IndexManifest
{
    /// <summary>The format this library writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The manifest's file name inside an index folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Format version of the folder.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The library and version that wrote it.</summary>
    public required string WrittenBy { get; init; }

    /// <summary>When it was saved.</summary>
    public required DateTime SavedUtc { get; init; }

    /// <summary>A number that grows with every save; part of the data files' names.</summary>
    public required long Generation { get; init; }

    /// <summary>The image encoder's fingerprint.</summary>
    public required string ModelFingerprint { get; init; }

    /// <summary>The embedding length.</summary>
    public required int Dimension { get; init; }

    /// <summary>The vector index's metric.</summary>
    public required VectorMetric Metric { get; init; }

    /// <summary>The index spec the user asked for.</summary>
    public required string IndexSpec { get; init; }

    /// <summary>The vector index actually built (its FAISS factory string).</summary>
    public required string IndexDescription { get; init; }

    /// <summary>Images in the catalog.</summary>
    public required long ImageCount { get; init; }

    /// <summary>Vectors in the vector index.</summary>
    public required long VectorCount { get; init; }

    /// <summary>The file holding the vector index.</summary>
    public required ManifestFile Index { get; init; }

    /// <summary>The file holding the catalog.</summary>
    public required ManifestFile Catalog { get; init; }

    /// <summary>What the automatic choice under a budget chose and measured; absent when no budget was set (and in older folders).</summary>
    public ManifestIndexChoice? Choice { get; init; }
}

/// <summary>The automatic choice under a budget, as the manifest records it.</summary>
/// <param name="FactoryString">The FAISS factory string chosen.</param>
/// <param name="Kind">The kind chosen.</param>
/// <param name="NProbe">The tuned nprobe (IVF kinds), else 0.</param>
/// <param name="EfSearch">The tuned efSearch (HNSW), else 0.</param>
/// <param name="Recall">The recall measured on the tuning queries.</param>
/// <param name="RecallLowerBound">Its one-sided 95 % lower confidence bound (what must meet the target).</param>
/// <param name="RecallK">The k of that recall.</param>
/// <param name="TargetRecall">The recall asked for.</param>
/// <param name="MemoryBudgetBytes">The memory budget; 0 for none.</param>
/// <param name="MeasuredBytes">The index's serialised size when chosen.</param>
/// <param name="ProjectedBytes">The bytes projected at the expected count.</param>
/// <param name="VectorCount">The vectors it was chosen for.</param>
/// <param name="ExpectedCount">The count the memory was checked for.</param>
/// <param name="QueryCount">The number of tuning queries.</param>
/// <param name="QuerySource">"queries" (such as text embeddings) or "held-back vectors".</param>
/// <param name="MaxQueryLatencyMilliseconds">The latency limit; 0 for none.</param>
/// <param name="MedianLatencyMilliseconds">The median single query measured, when limited.</param>
/// <param name="Rejected">Why the kinds before it were passed over.</param>
internal sealed record ManifestIndexChoice(
    string FactoryString, IndexSpecKind Kind, int NProbe, int EfSearch, double Recall, double RecallLowerBound, int RecallK, double TargetRecall, long MemoryBudgetBytes,
    long MeasuredBytes, long ProjectedBytes, long VectorCount, long ExpectedCount, int QueryCount, string QuerySource,
    double MaxQueryLatencyMilliseconds, double? MedianLatencyMilliseconds, IReadOnlyList<string> Rejected)
{
    /// <summary>The manifest's record of <paramref name="choice"/>.</summary>
    public static ManifestIndexChoice From(IndexChoice choice) => new(
        choice.FactoryString, choice.Spec.Kind, choice.Spec.Kind is IndexSpecKind.Hnsw ? 0 : choice.Spec.NProbe,
        choice.Spec.Kind is IndexSpecKind.Hnsw ? choice.Spec.EfSearch : 0, choice.Recall, choice.RecallLowerBound, choice.Budget.RecallK, choice.Budget.EffectiveRecall,
        choice.Budget.MemoryBytes, choice.MeasuredBytes, choice.ProjectedBytes, choice.VectorCount, choice.ExpectedCount, choice.QueryCount,
        choice.QuerySource, choice.Budget.MaxQueryLatency.TotalMilliseconds, choice.MedianLatency?.TotalMilliseconds, choice.Rejected);
}

/// <summary>One data file of a saved index, with its size and SHA-256.</summary>
/// <param name="Name">The file name inside the index folder.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">SHA-256 of its content, lowercase hex.</param>
internal sealed record ManifestFile(string Name, long Bytes, string Sha256);

/// <summary>System.Text.Json metadata for the manifest (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IndexManifest))]
internal sealed partial class IndexManifestJsonContext : JsonSerializerContext;
