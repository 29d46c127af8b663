using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace VectorImageSearch.Samples.VectorDataClip;

/// <summary>
/// One picture as a Semantic Kernel app declares a record: a key, data to filter on, and the image itself as the vector
/// property (DataContent), which the collection turns into a CLIP vector with the attached generator on upsert.
/// </summary>
public sealed class ShapeImage
{
    [VectorStoreKey]
    public string File { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Colour { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public string Shape { get; set; } = "";

    // The model's dimension is set by the collection definition at run time; 512 is CLIP ViT-B/32's.
    [VectorStoreVector(512)]
    public DataContent? Image { get; set; }
}
