using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace VectorImageSearch.VectorData.Collections;

/// <summary>
/// Reads a record type's attributes or a <see cref="VectorStoreCollectionDefinition"/> into a model (the abstraction's own
/// provider support, so storage names, generator resolution and validation follow Microsoft.Extensions.VectorData), with
/// the types an image-record store can hold: one key (string, long or Guid), data properties that become catalog fields or
/// metadata, and one float vector compared by cosine similarity.
/// </summary>
internal sealed class RecordModelBuilder() : CollectionModelBuilder(new CollectionModelBuildingOptions
{
    SupportsMultipleVectors = false,
    RequiresAtLeastOneVector = true,
})
{
    private static readonly HashSet<Type> DataTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(float), typeof(double),
        typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(Guid),
    ];

    internal static readonly Type[] KeyTypes = [typeof(string), typeof(long), typeof(Guid)];

    protected override IReadOnlyList<EmbeddingGenerationDispatcher> EmbeddingGenerationDispatchers { get; } =
        [EmbeddingGenerationDispatcher.Create<Embedding<float>>()];

    protected override bool IsDataPropertyTypeValid(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = "string, bool, int, long, short, float, double, decimal, DateTime, DateTimeOffset, Guid (or their nullable forms)";
        return DataTypes.Contains(Nullable.GetUnderlyingType(type) ?? type);
    }

    protected override bool IsVectorPropertyTypeValid(Type type, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = "ReadOnlyMemory<float>, float[], Embedding<float>";
        return RecordVectors.IsVectorType(type);
    }

    protected override bool SupportsKeyAutoGeneration(Type keyPropertyType) => false;

    protected override void ValidateKeyProperty(KeyPropertyModel keyProperty)
    {
        base.ValidateKeyProperty(keyProperty);
        if (Array.IndexOf(KeyTypes, keyProperty.Type) < 0)
        {
            throw new NotSupportedException(
                $"The key property '{keyProperty.ModelName}' is of type {keyProperty.Type.Name}; an image-record collection supports string, long and Guid keys.");
        }
    }

    protected override void ValidateProperty(PropertyModel propertyModel, VectorStoreCollectionDefinition? definition)
    {
        base.ValidateProperty(propertyModel, definition);
        if (propertyModel is VectorPropertyModel vector)
        {
            if (vector.DistanceFunction is not null && vector.DistanceFunction != DistanceFunction.CosineSimilarity)
            {
                throw new NotSupportedException(
                    $"The vector property '{vector.ModelName}' asks for distance function '{vector.DistanceFunction}'; an image-record collection compares L2-normalised vectors by {DistanceFunction.CosineSimilarity} only.");
            }
        }
    }
}
