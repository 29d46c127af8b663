using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Persistence;
using VectorImageSearch.VectorData;

namespace VectorImageSearch.Faiss;

/// <summary>
/// A Microsoft.Extensions.VectorData <see cref="Microsoft.Extensions.VectorData.VectorStore"/> over FAISS in this process,
/// for Semantic Kernel and Microsoft.Extensions.AI applications: each collection is a <see cref="FaissImageStore"/> kept in
/// its own index folder under <see cref="FaissVectorStoreOptions.Path"/> (or in memory), and
/// <c>GetCollection&lt;TKey, TRecord&gt;</c> maps records with <c>[VectorStoreKey]</c> (string, long or Guid),
/// <c>[VectorStoreData]</c> and one <c>[VectorStoreVector]</c> property, or a <c>VectorStoreCollectionDefinition</c>.
/// </summary>
/// <remarks>
/// Vectors are L2-normalised on upsert and compared by cosine similarity. A LINQ filter is applied before the nearest are
/// chosen (FAISS ID selectors): data-property equality, LastWriteUtc ranges and key prefixes; other expressions throw
/// <see cref="NotSupportedException"/>. Data properties stored as ContentHash, SizeBytes and LastWriteUtc read and write
/// the catalog fields of the image search, so a folder written by <c>AddImageSearch().UseFaiss(…)</c> opens as a collection
/// (with string keys, the images' paths, and the encoder as generator or the same <c>ModelFingerprint</c>).
/// One process owns a folder.
/// </remarks>
public sealed class FaissVectorStore : ImageRecordVectorStore
{
    private readonly FaissVectorStoreOptions _options;
    private readonly ILoggerFactory _loggers;

    /// <summary>Creates the vector store; nothing is read until a collection is used.</summary>
    /// <param name="options">The folder, the index spec, the default embedding generator and when writes are saved.</param>
    /// <param name="loggerFactory">Logs the stores' loads, saves and rebuilds.</param>
    public FaissVectorStore(FaissVectorStoreOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options)
    {
        var o = options ?? new FaissVectorStoreOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(o.IndexSpec, nameof(options));
        _options = new FaissVectorStoreOptions
        {
            Path = string.IsNullOrWhiteSpace(o.Path) ? null : System.IO.Path.GetFullPath(o.Path),
            IndexSpec = o.IndexSpec.Trim(),
            VerifyChecksumsOnLoad = o.VerifyChecksumsOnLoad,
        };
        Store.FaissIndexSpecs.ParseSpec(_options.IndexSpec);
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The folder holding the collections' index folders; <see langword="null"/> when they are kept in memory.</summary>
    public string? Path => _options.Path;

    /// <inheritdoc />
    protected override string SystemName => "faiss";

    /// <inheritdoc />
    protected override IImageRecordStore CreateRecordStore(string name) =>
        new FaissImageStore(new FaissImageStoreOptions
        {
            IndexSpec = _options.IndexSpec,
            Path = FolderOf(name),
            VerifyChecksumsOnLoad = _options.VerifyChecksumsOnLoad,
        }, _loggers.CreateLogger<FaissImageStore>());

    /// <inheritdoc />
    protected override Task<bool> StoredCollectionExistsAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(FolderOf(name) is { } folder && IndexFolder.Exists(folder));

    /// <inheritdoc />
    protected override Task DeleteStoredCollectionAsync(string name, CancellationToken cancellationToken)
    {
        if (FolderOf(name) is { } folder && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<string> ListStoredCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (_options.Path is not { } root || !Directory.Exists(root))
        {
            yield break;
        }
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IndexFolder.Exists(folder))
            {
                yield return System.IO.Path.GetFileName(folder);
            }
        }
    }

    /// <summary>Rebuilds the index when it has grown into another kind (FaissImageStore.ReorganiseAsync), then saves the folder, if there is one.</summary>
    /// <param name="store">The collection's store.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    protected override async Task FlushRecordStoreAsync(IImageRecordStore store, CancellationToken cancellationToken)
    {
        var faiss = (FaissImageStore)store;
        await faiss.ReorganiseAsync(cancellationToken).ConfigureAwait(false);
        if (faiss.Path is not null)
        {
            await faiss.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A collection name is one folder name: letters, digits, '-', '_' and '.', not starting with '.', at most 128 characters.</summary>
    /// <param name="name">The collection's name.</param>
    protected override void ValidateCollectionName(string name)
    {
        var ok = name.Length <= 128 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        if (!ok)
        {
            throw new ArgumentException(
                $"The collection name '{name}' cannot be a FAISS collection: use ASCII letters, digits, '-', '_' and '.', not starting with '.', at most 128 characters (it names a folder).", nameof(name));
        }
    }

    private string? FolderOf(string name) => _options.Path is { } root ? System.IO.Path.Combine(root, name) : null;
}
