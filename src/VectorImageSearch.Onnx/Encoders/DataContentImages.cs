using Microsoft.Extensions.AI;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>Turns Microsoft.Extensions.AI's <see cref="DataContent"/> into <see cref="ImageInput"/>s.</summary>
internal static class DataContentImages
{
    /// <summary>The image held by <paramref name="content"/>.</summary>
    /// <exception cref="ArgumentException">The content is null or its media type is not <c>image/*</c>.</exception>
    public static ImageInput ToImageInput(DataContent content, int index)
    {
        if (content is null)
        {
            throw new ArgumentException($"Image {index} is null.", nameof(content));
        }
        var name = content.Name ?? $"DataContent #{index} ({content.MediaType})";
        if (!content.HasTopLevelMediaType("image"))
        {
            throw new ArgumentException($"'{name}' has media type '{content.MediaType}', not an image/* type, so it cannot be embedded as an image.", nameof(content));
        }
        return ImageInput.FromBytes(content.Data, name);
    }
}
