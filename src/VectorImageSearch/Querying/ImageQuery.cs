namespace VectorImageSearch;

/// <summary>
/// A search beyond one sentence or one image: several texts and images with weights, texts to move away from, a least
/// score, a filter applied in the store before the nearest are chosen, and de-duplication of the results. Immutable:
/// start with <see cref="ForText"/> or <see cref="ForImage"/>, add with <see cref="WithText"/>, <see cref="WithImage"/>
/// and <see cref="WithoutText"/> (each returns a new query), and set the rest with <c>with { K = 20 }</c>.
/// </summary>
/// <remarks>
/// <para>The query vector is <c>q = normalise(Σ wᵢ·tᵢ + Σ vⱼ·iⱼ − Σ nₖ·uₖ)</c>, where <c>tᵢ</c>, <c>iⱼ</c> and <c>uₖ</c>
/// are the L2-normalised embeddings of the texts, the images and the negative texts (<see cref="WithoutText"/>) and
/// <c>w</c>, <c>v</c>, <c>n</c> their weights. Scores are then cosine similarities to <c>q</c>. Weights are relative: a
/// text of weight 2 and an image of weight 1 pull twice as hard towards the text; a negative weight near the positive
/// ones removes much of that concept's direction (0.5–1 relative to one positive is a reasonable start).</para>
/// <para>At least one text or image is needed; a query whose negatives cancel its positives exactly is refused.</para>
/// </remarks>
public sealed record ImageQuery
{
    /// <summary>The default <see cref="DuplicateThreshold"/>: hits at cosine similarity ≥ 0.94 to a better hit count as duplicates (as clip-retrieval).</summary>
    public const float DefaultDuplicateThreshold = 0.94f;

    /// <summary>Sentences to search for, each with its weight.</summary>
    internal IReadOnlyList<QueryText> Texts { get; init; } = [];

    /// <summary>Example images to search by, each with its weight.</summary>
    internal IReadOnlyList<QueryImage> Images { get; init; } = [];

    /// <summary>Sentences to move away from: their weighted embeddings are subtracted.</summary>
    internal IReadOnlyList<QueryText> NegativeTexts { get; init; } = [];

    /// <summary>The most results to return; at least 1.</summary>
    public int K { get; init; } = 10;

    /// <summary>Results below this cosine similarity to the query vector are dropped; <see langword="null"/> keeps all <see cref="K"/>.</summary>
    public float? MinScore { get; init; }

    /// <summary>Which images may match (key prefix such as a folder, metadata, modification time), applied in the store before the nearest are chosen.</summary>
    public ImageRecordFilter? Filter { get; init; }

    /// <summary>The store engine's own parameters (such as the FAISS package's or pgvector's); <see langword="null"/> for its defaults.</summary>
    public StoreSearchParameters? EngineParameters { get; init; }

    /// <summary>
    /// Drops a hit whose cosine similarity to a higher-ranked hit is at least <see cref="DuplicateThreshold"/>; more
    /// candidates are fetched so that <see cref="K"/> results remain when the index holds enough distinct images.
    /// </summary>
    public bool Deduplicate { get; init; }

    /// <summary>With <see cref="Deduplicate"/>: the similarity from which a hit counts as a duplicate of a better one; in (0, 1].</summary>
    public float DuplicateThreshold { get; init; } = DefaultDuplicateThreshold;

    /// <summary>A query for one sentence.</summary>
    /// <param name="text">The sentence.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static ImageQuery ForText(string text) => new ImageQuery().WithText(text);

    /// <summary>A query for one example image.</summary>
    /// <param name="image">The image.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static ImageQuery ForImage(ImageInput image) => new ImageQuery().WithImage(image);

    /// <summary>This query with one more sentence to search for.</summary>
    /// <param name="text">The sentence, embedded by the text encoder.</param>
    /// <param name="weight">The weight of its normalised embedding in the query vector: finite and greater than 0.</param>
    /// <returns>A new query; this one is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> is not finite and greater than 0.</exception>
    public ImageQuery WithText(string text, float weight = 1f)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckWeight(weight, "text", text);
        return this with { Texts = [.. Texts, new QueryText(text, weight)] };
    }

    /// <summary>This query with one more example image to search by.</summary>
    /// <param name="image">The image, embedded by the image encoder.</param>
    /// <param name="weight">The weight of its normalised embedding in the query vector: finite and greater than 0.</param>
    /// <returns>A new query; this one is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> is not finite and greater than 0.</exception>
    public ImageQuery WithImage(ImageInput image, float weight = 1f)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckWeight(weight, "image", image.Name);
        return this with { Images = [.. Images, new QueryImage(image, weight)] };
    }

    /// <summary>This query with one more sentence to move away from: its weighted embedding is subtracted.</summary>
    /// <param name="text">The sentence, embedded by the text encoder.</param>
    /// <param name="weight">How hard to move away, finite and greater than 0 (0.5–1 relative to one positive is a reasonable start).</param>
    /// <returns>A new query; this one is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> is not finite and greater than 0.</exception>
    public ImageQuery WithoutText(string text, float weight = 1f)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckWeight(weight, "negative text", text);
        return this with { NegativeTexts = [.. NegativeTexts, new QueryText(text, weight)] };
    }

    private static void CheckWeight(float weight, string kind, string? name)
    {
        if (!(weight > 0) || !float.IsFinite(weight))
        {
            throw new ArgumentException($"The {kind} '{name}' has weight {weight}; weights must be finite and greater than 0.", nameof(weight));
        }
    }
}
