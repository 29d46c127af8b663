namespace VectorImageSearch;

/// <summary>A sentence in an <see cref="ImageQuery"/>, with the weight its normalised embedding gets in the query vector.</summary>
/// <param name="Text">The sentence, embedded by the text encoder.</param>
/// <param name="Weight">Its weight: finite and greater than 0 (a negative text is subtracted with this weight).</param>
internal sealed record QueryText(string Text, float Weight = 1f);
