using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VectorImageSearch.Persistence;
using VectorImageSearch.VectorData;

namespace VectorImageSearch.Faiss;

/// <summary>
/// A Microsoft.Extensions.VectorData <see cref="Microsoft.Extensions.VectorData.VectorStore"/> over FAISS in this process,
/// for Semantic Kernel and Microsoft.Extensions.AI applications: each collection is an index folder, laid out as
/// <c>UseFaiss</c> writes one, under <see cref="Path"/> (or kept in memory), and
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
    private readonly FaissImageStoreOptions _template;
    private readonly ILoggerFactory _loggers;

    /// <summary>Creates the vector store; nothing is read until a collection is used.</summary>
    /// <param name="storeOptions">
    /// The index every collection builds (<see cref="FaissImageStoreOptions.IndexSpec"/>, <see cref="FaissImageStoreOptions.IndexBudget"/>),
    /// whether loading verifies checksums, and in <see cref="FaissImageStoreOptions.Path"/> the folder that holds one index
    /// folder per collection (<c>Path/&lt;collection name&gt;</c>); <see langword="null"/> keeps every collection in memory
    /// with the "Auto" index.
    /// </param>
    /// <param name="options">The default embedding generator, the model fingerprint and when writes are saved.</param>
    /// <param name="loggerFactory">Logs the stores' loads, saves and rebuilds.</param>
    /// <exception cref="ArgumentException"><see cref="FaissImageStoreOptions.IndexSpec"/> is empty.</exception>
    public FaissVectorStore(FaissImageStoreOptions? storeOptions = null, ImageRecordVectorStoreOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options)
    {
        var o = storeOptions ?? new FaissImageStoreOptions();
        if (string.IsNullOrWhiteSpace(o.IndexSpec))
        {
            throw new ArgumentException("FaissImageStoreOptions.IndexSpec must not be empty; use \"Auto\" to let the library choose.", nameof(storeOptions));
        }
        o.IndexBudget?.Validate();
        _template = o.Copy();
        _template.Path = string.IsNullOrWhiteSpace(o.Path) ? null : System.IO.Path.GetFullPath(o.Path);
        _template.IndexSpec = o.IndexSpec.Trim();
        Store.FaissIndexSpecs.ParseSpec(_template.IndexSpec);
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    }

    /// <summary>The folder holding the collections' index folders; <see langword="null"/> when they are kept in memory.</summary>
    public string? Path => _template.Path;

    /// <inheritdoc />
    protected override string SystemName => "faiss";

    /// <inheritdoc />
    protected override IImageRecordStore CreateRecordStore(string name)
    {
        var options = _template.Copy();
        options.Path = FolderOf(name);
        return new FaissImageStore(options, _loggers.CreateLogger<FaissImageStore>());
    }

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
        if (_template.Path is not { } root || !Directory.Exists(root))
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

    /// <summary>Rebuilds the index when it has grown into another kind, then saves the folder, if there is one.</summary>
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

    private string? FolderOf(string name) => _template.Path is { } root ? System.IO.Path.Combine(root, name) : null;
}
