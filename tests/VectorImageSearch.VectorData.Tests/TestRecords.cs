using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>A record as a Semantic Kernel app declares one: attributes, a long key, data of several types, a 4-d vector.</summary>
public sealed class Photo
{
    [VectorStoreKey]
    public long Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string? Album { get; set; }

    [VectorStoreData]
    public int? Rating { get; set; }

    [VectorStoreData]
    public bool Favourite { get; set; }

    [VectorStoreData]
    public double Exposure { get; set; }

    /// <summary>Stored as the catalog field LastWriteUtc, so it can be filtered by range.</summary>
    [VectorStoreData(StorageName = "LastWriteUtc")]
    public DateTime? Taken { get; set; }

    [VectorStoreVector(4)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}

/// <summary>A record keyed by path, as the image search keys its records, with its catalog fields.</summary>
public sealed class IndexedImage
{
    [VectorStoreKey]
    public string Path { get; set; } = "";

    [VectorStoreData]
    public string? ContentHash { get; set; }

    [VectorStoreData]
    public long SizeBytes { get; set; }

    [VectorStoreData]
    public DateTimeOffset? LastWriteUtc { get; set; }

    [VectorStoreData]
    public string? Caption { get; set; }

    [VectorStoreVector(4)]
    public float[]? Vector { get; set; }
}

/// <summary>An image whose vector the collection generates from the picture itself (a DataContent vector property).</summary>
public sealed class Picture
{
    [VectorStoreKey]
    public Guid Id { get; set; }

    [VectorStoreData]
    public string File { get; set; } = "";

    [VectorStoreData]
    public string Colour { get; set; } = "";

    [VectorStoreData]
    public string Shape { get; set; } = "";

    // The dimension comes from the collection definition at run time (the model's); the attribute's is a placeholder.
    [VectorStoreVector(1)]
    public DataContent? Image { get; set; }
}

internal static class Vectors
{
    public static float[] Unit(params float[] values)
    {
        var length = MathF.Sqrt(values.Sum(v => v * v));
        return values.Select(v => v / length).ToArray();
    }

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
}
