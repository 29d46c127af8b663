using Microsoft.Extensions.Options;

namespace VectorImageSearch.Faiss.DependencyInjection;

/// <summary>Creates and loads <see cref="FaissIndex"/> instances with the configured <see cref="FaissIndexOptions"/>.</summary>
internal sealed class FaissIndexFactory : IVectorIndexFactory
{
    private readonly FaissIndexOptions _options;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">The FAISS options.</param>
    public FaissIndexFactory(IOptions<FaissIndexOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <inheritdoc />
    public IVectorIndex Create(int dimension, IndexSpec spec, VectorMetric metric)
    {
        var index = FaissIndex.Create(dimension, spec, metric);
        index.Threads = _options.Threads;
        return index;
    }

    /// <inheritdoc />
    public IVectorIndex Load(string path)
    {
        var index = FaissIndex.Load(path, _options.MemoryMapOnLoad);
        index.Threads = _options.Threads;
        return index;
    }
}
