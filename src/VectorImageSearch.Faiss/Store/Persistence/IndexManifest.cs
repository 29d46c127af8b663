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
