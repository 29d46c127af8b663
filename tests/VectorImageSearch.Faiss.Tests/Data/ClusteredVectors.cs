namespace VectorImageSearch.Faiss.Tests.Data;

/// <summary>
/// Deterministic clustered synthetic vectors that look like image embeddings: each cluster has a random centre on the unit
/// sphere and its own random 16-dimensional subspace; a vector is centre + 0.3 · (subspace basis · z) + 0.05 · isotropic noise
/// (z standard normal), L2-normalised. Clusters are drawn uniformly. Inner product and L2 rank neighbours the same way on
/// these vectors. Rows are generated in parallel chunks with per-chunk seeds, so the result depends only on the arguments.
/// </summary>
internal static class ClusteredVectors
{
    private const int SubspaceDimension = 16;
    private const int ChunkRows = 4096;

    /// <summary>The recipe in one line, for reports (defaults: spread s = 0.3, noise σ = 0.05).</summary>
    public const string Description =
        "clusters = max(16, N/500) random unit centres, each with a random 16-d subspace B (entries N(0, 1/d)); x = normalise(centre + s·B·z + σ·ε/√d), z, ε standard normal";

    /// <summary>Generates <paramref name="count"/> vectors of <paramref name="dimension"/> floats from <paramref name="clusters"/> clusters.</summary>
    public static float[] Generate(int count, int dimension, int clusters, int seed)
    {
        var model = new Model(dimension, clusters, seed, 0.3f, 0.05f);
        return model.Sample(count, seed + 1);
    }

    /// <summary>
    /// Generates base vectors and queries from the same clusters (queries are fresh samples, not base vectors).
    /// <paramref name="spread"/> scales the in-cluster subspace term and <paramref name="noise"/> the isotropic term;
    /// larger values make clusters overlap and neighbours harder to find.
    /// </summary>
    public static (float[] Base, float[] Queries) GenerateWithQueries(int count, int queryCount, int dimension, int seed, float spread = 0.3f, float noise = 0.05f)
    {
        var model = new Model(dimension, Math.Max(16, count / 500), seed, spread, noise);
        return (model.Sample(count, seed + 1), model.Sample(queryCount, seed + 2));
    }

    /// <summary>The text-like query recipe in one line, for reports.</summary>
    public const string TextLikeDescription =
        "q = normalise(0.85·g + 0.3·normalise(Σ w_i·centre_i) + 0.35·ε/√d): g one fixed random unit vector (the modality gap), 1 to 3 clusters mixed with weights w_i uniform in [0.5, 1], ε standard normal";

    /// <summary>
    /// Like <see cref="GenerateWithQueries"/>, plus "text-like" queries shaped like CLIP text embeddings against image
    /// embeddings (see <see cref="TextLikeDescription"/>): they share one offset direction (the modality gap), so they sit
    /// apart from every image (cosine ≈ 0.3 to their best matches, as CLIP's text-image pairs), and each mixes one to three
    /// concepts (clusters), as "a dog on a beach" does.
    /// </summary>
    public static (float[] Base, float[] Queries, float[] TextQueries) GenerateWithTextLikeQueries(
        int count, int queryCount, int textQueryCount, int dimension, int seed, float spread = 0.3f, float noise = 0.05f)
    {
        var model = new Model(dimension, Math.Max(16, count / 500), seed, spread, noise);
        return (model.Sample(count, seed + 1), model.Sample(queryCount, seed + 2), model.TextLike(textQueryCount, seed + 3));
    }

    private sealed class Model
    {
        private readonly int _dimension;
        private readonly int _clusters;
        private readonly float[] _centres;
        private readonly float[] _bases;
        private readonly float _spread;
        private readonly float _noise;

        public Model(int dimension, int clusters, int seed, float spread, float noise)
        {
            _spread = spread;
            _noise = noise;
            _dimension = dimension;
            _clusters = clusters;
            var random = new Random(seed);
            _centres = new float[clusters * dimension];
            _bases = new float[clusters * dimension * SubspaceDimension];
            for (var c = 0; c < clusters; c++)
            {
                var centre = _centres.AsSpan(c * dimension, dimension);
                FillGaussian(random, centre, 1f);
                Normalise(centre);
            }
            FillGaussian(random, _bases, 1f / MathF.Sqrt(dimension));
        }

        public float[] TextLike(int count, int seed)
        {
            var random = new Random(seed);
            var gap = new float[_dimension];
            FillGaussian(random, gap, 1f);
            Normalise(gap);
            var result = new float[(long)count * _dimension];
            var concept = new float[_dimension];
            var noise = new float[_dimension];
            for (var row = 0; row < count; row++)
            {
                Array.Clear(concept);
                var mixed = 1 + random.Next(3);
                for (var m = 0; m < mixed; m++)
                {
                    var cluster = random.Next(_clusters);
                    var weight = 0.5f + (0.5f * random.NextSingle());
                    var centre = _centres.AsSpan(cluster * _dimension, _dimension);
                    for (var i = 0; i < _dimension; i++)
                    {
                        concept[i] += weight * centre[i];
                    }
                }
                Normalise(concept);
                FillGaussian(random, noise, 1f / MathF.Sqrt(_dimension));
                var q = result.AsSpan(row * _dimension, _dimension);
                for (var i = 0; i < _dimension; i++)
                {
                    q[i] = (0.85f * gap[i]) + (0.3f * concept[i]) + (0.35f * noise[i]);
                }
                Normalise(q);
            }
            return result;
        }

        public float[] Sample(int count, int seed)
        {
            var result = new float[(long)count * _dimension];
            var chunks = (count + ChunkRows - 1) / ChunkRows;
            Parallel.For(0, chunks, chunk =>
            {
                // HashCode.Combine is randomised per process; a fixed mix keeps the data the same in every run and process.
                var random = new Random(unchecked((seed * 1_000_003) ^ (chunk * 7_919)));
                Span<float> z = stackalloc float[SubspaceDimension];
                var noise = new float[_dimension];
                var end = Math.Min(count, (chunk + 1) * ChunkRows);
                for (var row = chunk * ChunkRows; row < end; row++)
                {
                    var cluster = random.Next(_clusters);
                    var x = result.AsSpan(row * _dimension, _dimension);
                    _centres.AsSpan(cluster * _dimension, _dimension).CopyTo(x);
                    FillGaussian(random, z, _spread);
                    var basis = _bases.AsSpan(cluster * _dimension * SubspaceDimension, _dimension * SubspaceDimension);
                    for (var i = 0; i < _dimension; i++)
                    {
                        var b = basis.Slice(i * SubspaceDimension, SubspaceDimension);
                        var sum = 0f;
                        for (var j = 0; j < SubspaceDimension; j++)
                        {
                            sum += b[j] * z[j];
                        }
                        x[i] += sum;
                    }
                    FillGaussian(random, noise, _noise / MathF.Sqrt(_dimension));
                    for (var i = 0; i < _dimension; i++)
                    {
                        x[i] += noise[i];
                    }
                    Normalise(x);
                }
            });
            return result;
        }
    }

    private static void FillGaussian(Random random, Span<float> values, float scale)
    {
        for (var i = 0; i < values.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(r * Math.Cos(2 * Math.PI * u2)) * scale;
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2)) * scale;
            }
        }
    }

    private static void Normalise(Span<float> x)
    {
        var sum = 0.0;
        foreach (var v in x)
        {
            sum += v * v;
        }
        var inverse = (float)(1.0 / Math.Sqrt(sum));
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= inverse;
        }
    }
}
