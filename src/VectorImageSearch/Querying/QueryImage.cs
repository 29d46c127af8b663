namespace VectorImageSearch;

/// <summary>An example image in an <see cref="ImageQuery"/>, with the weight its normalised embedding gets in the query vector.</summary>
/// <param name="Image">The image, embedded by the image encoder.</param>
/// <param name="Weight">Its weight: finite and greater than 0.</param>
internal sealed record QueryImage(ImageInput Image, float Weight = 1f);
