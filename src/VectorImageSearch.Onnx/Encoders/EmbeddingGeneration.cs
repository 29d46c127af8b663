using Microsoft.Extensions.AI;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>The parts of <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> every encoder shares.</summary>
internal static class EmbeddingGeneration
{
    /// <summary>Refuses a requested dimension the model does not produce.</summary>
    public static void CheckOptions(EmbeddingGenerationOptions? options, int dimension)
    {
        if (options?.Dimensions is { } requested && requested != dimension)
        {
            throw new NotSupportedException($"The model produces {dimension}-dimensional embeddings; {requested} were requested.");
        }
    }

    /// <summary>Wraps vectors as Microsoft.Extensions.AI embeddings.</summary>
    public static GeneratedEmbeddings<Embedding<float>> ToGenerated(float[][] vectors, string modelName)
    {
        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = modelName, CreatedAt = created });
        }
        return result;
    }

    /// <summary>The generator itself, or its metadata, as <see cref="IEmbeddingGenerator.GetService"/> asks.</summary>
    public static object? GetService(object owner, EmbeddingGeneratorMetadata metadata, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return metadata;
        }
        return serviceType.IsInstanceOfType(owner) ? owner : null;
    }
}
