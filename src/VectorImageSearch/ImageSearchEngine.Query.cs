using System.Numerics.Tensors;

namespace VectorImageSearch;

/// <summary>Compound, filtered and de-duplicated queries (<see cref="ImageQuery"/>).</summary>
internal sealed partial class ImageSearchEngine
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ImageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        Validate(query);
        var vector = await QueryVectorAsync(query, cancellationToken).ConfigureAwait(false);
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var options = new ImageStoreSearchOptions
        {
            K = query.K,
            MinScore = query.MinScore,
            Filter = query.Filter,
            EngineParameters = query.EngineParameters,
        };
        if (!query.Deduplicate)
        {
            var matches = await _store.SearchAsync(vector, options, cancellationToken).ConfigureAwait(false);
            return ToHits(matches);
        }
        return await SearchDistinctAsync(vector, options, query.DuplicateThreshold, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Searches with growing over-fetch until <paramref name="options"/>.K hits remain that are each below
    /// <paramref name="threshold"/> similar to every better hit, or the store has no more candidates.
    /// </summary>
    private async Task<IReadOnlyList<SearchHit>> SearchDistinctAsync(float[] vector, ImageStoreSearchOptions options, float threshold, CancellationToken cancellationToken)
    {
        var k = options.K;
        var fetch = k * 3;
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        while (true)
        {
            var matches = await _store.SearchAsync(vector, options with { K = fetch }, cancellationToken).ConfigureAwait(false);
            var kept = new List<ImageRecordMatch>(k);
            var keptVectors = new List<float[]>(k);
            foreach (var match in matches)
            {
                if (!vectors.TryGetValue(match.Record.Key, out var own))
                {
                    var stored = await _store.GetAsync(match.Record.Key, includeVector: true, cancellationToken).ConfigureAwait(false);
                    if (stored is null)
                    {
                        continue; // removed since the search
                    }
                    own = stored.Vector.ToArray();
                    vectors[match.Record.Key] = own;
                }
                var duplicate = false;
                foreach (var better in keptVectors)
                {
                    if (TensorPrimitives.Dot(own, better) >= threshold)
                    {
                        duplicate = true;
                        break;
                    }
                }
                if (!duplicate)
                {
                    kept.Add(match);
                    keptVectors.Add(own);
                    if (kept.Count == k)
                    {
                        break;
                    }
                }
            }
            // Fewer matches than asked for means the store had no more (or MinScore cut them): nothing to gain by fetching more.
            if (kept.Count == k || matches.Count < fetch || fetch >= int.MaxValue / 4)
            {
                return ToHits(kept);
            }
            fetch *= 4;
        }
    }

    private static List<SearchHit> ToHits(IReadOnlyList<ImageRecordMatch> matches)
    {
        var hits = new List<SearchHit>(matches.Count);
        foreach (var (record, score) in matches)
        {
            hits.Add(new SearchHit(record.Id, record.Key, score, hits.Count + 1, record.Metadata));
        }
        return hits;
    }

    /// <summary><c>normalise(Σ w·t + Σ v·i − Σ n·u)</c> over the normalised embeddings (see <see cref="ImageQuery"/>).</summary>
    private async Task<float[]> QueryVectorAsync(ImageQuery query, CancellationToken cancellationToken)
    {
        if ((query.Texts.Count > 0 || query.NegativeTexts.Count > 0) && _textEncoder is null)
        {
            throw new InvalidOperationException(
                "This image search has no text encoder: its model embeds images only. Configure a CLIP model (UseClip) to search by text.");
        }
        var sum = new float[Dimension];
        foreach (var text in query.Texts)
        {
            AddNormalised(sum, await _textEncoder!.EncodeAsync(text.Text, cancellationToken).ConfigureAwait(false), text.Weight);
        }
        foreach (var image in query.Images)
        {
            AddNormalised(sum, await _imageEncoder.EncodeAsync(image.Image, cancellationToken).ConfigureAwait(false), image.Weight);
        }
        foreach (var text in query.NegativeTexts)
        {
            AddNormalised(sum, await _textEncoder!.EncodeAsync(text.Text, cancellationToken).ConfigureAwait(false), -text.Weight);
        }
        var norm = TensorPrimitives.Norm(sum);
        if (!(norm > 1e-6f) || !float.IsFinite(norm))
        {
            throw new ArgumentException("The query's negative texts cancel its texts and images: the query vector has no direction left.", nameof(query));
        }
        TensorPrimitives.Divide(sum, norm, sum);
        return sum;
    }

    private static void AddNormalised(float[] sum, float[] embedding, float weight)
    {
        var norm = TensorPrimitives.Norm(embedding);
        if (!(norm > 0) || !float.IsFinite(norm))
        {
            throw new InvalidOperationException($"The encoder returned an embedding with norm {norm}; it cannot be normalised.");
        }
        TensorPrimitives.MultiplyAdd(embedding, weight / norm, sum, sum);
    }

    private static void Validate(ImageQuery query)
    {
        if (query.Texts.Count == 0 && query.Images.Count == 0)
        {
            throw new ArgumentException("The query has no text and no image to search for; negative texts alone have no direction.", nameof(query));
        }
        // Texts, images and their weights were checked as they were added (ImageQuery.WithText and the like).
        ArgumentOutOfRangeException.ThrowIfLessThan(query.K, 1, nameof(query) + ".K");
        if (query.MinScore is { } least && !(least is >= -1 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(query), least, "MinScore is a cosine similarity: it must be between -1 and 1.");
        }
        if (query.Deduplicate && !(query.DuplicateThreshold is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.DuplicateThreshold, "DuplicateThreshold must be greater than 0 and at most 1.");
        }
    }
}
