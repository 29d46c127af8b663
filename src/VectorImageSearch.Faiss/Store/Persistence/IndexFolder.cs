using VectorImageSearch.IO;
using System.Security.Cryptography;
using System.Text.Json;
using VectorImageSearch.Faiss;
using VectorImageSearch.Faiss.Store;

namespace VectorImageSearch.Persistence;

/// <summary>
/// Saves and loads an index folder: the vector index and the catalog under names that carry a generation number,
/// then manifest.json, written atomically, naming them. A crash before the manifest's rename leaves the previous
/// manifest and its files untouched; files of older generations are deleted only after the new manifest is durable.
/// </summary>
internal static class IndexFolder
{
    /// <summary>Saves <paramref name="index"/> and <paramref name="catalog"/> into <paramref name="folder"/>.</summary>
    public static async Task<IndexManifest> SaveAsync(
        string folder, FaissIndex index, string indexDescription, ImageCatalog catalog, IReadOnlyCollection<long> tombstones,
        string modelFingerprint, string indexSpec, CancellationToken cancellationToken, ManifestIndexChoice? choice = null)
    {
        Directory.CreateDirectory(folder);
        var generation = (TryReadGeneration(folder) ?? 0) + 1;
        var indexName = $"index.{generation:D6}.faiss";
        var catalogName = $"catalog.{generation:D6}.bin";

        var indexPath = Path.Combine(folder, indexName);
        var catalogPath = Path.Combine(folder, catalogName);
        try
        {
            return await WriteGenerationAsync(folder, generation, indexPath, catalogPath, index, indexDescription, catalog, tombstones, modelFingerprint, indexSpec, choice, cancellationToken)
                .ConfigureAwait(false);
        }
        catch when (TryReadGeneration(folder) != generation)
        {
            // The manifest still names the previous generation: this one's files are of no use (a full disk, a failed
            // write, a cancellation). Deleting them leaves the folder as it was before the save.
            AtomicFile.TryDelete(indexPath);
            AtomicFile.TryDelete(catalogPath);
            throw;
        }
    }

    private static async Task<IndexManifest> WriteGenerationAsync(
        string folder, long generation, string indexPath, string catalogPath, FaissIndex index, string indexDescription, ImageCatalog catalog,
        IReadOnlyCollection<long> tombstones, string modelFingerprint, string indexSpec, ManifestIndexChoice? choice, CancellationToken cancellationToken)
    {
        var indexName = Path.GetFileName(indexPath);
        var catalogName = Path.GetFileName(catalogPath);
        try
        {
            index.Save(indexPath);
        }
        catch (FaissException e)
        {
            // FAISS reports a failed write (ENOSPC, EIO) as its own error; to the caller it is an I/O failure on this path.
            throw new IOException($"Could not write the vector index '{indexPath}': {e.Message}", e);
        }
        using var catalogBytes = new MemoryStream();
        CatalogSerializer.Write(catalog, tombstones, catalogBytes);
        await AtomicFile.WriteAllBytesAsync(catalogPath, catalogBytes.GetBuffer().AsMemory(0, (int)catalogBytes.Length), cancellationToken)
            .ConfigureAwait(false);

        var manifest = new IndexManifest
        {
            FormatVersion = IndexManifest.CurrentFormatVersion,
            WrittenBy = $"VectorImageSearch {typeof(IndexFolder).Assembly.GetName().Version}",
            SavedUtc = DateTime.UtcNow,
            Generation = generation,
            ModelFingerprint = modelFingerprint,
            Dimension = index.Dimension,
            Metric = index.Metric,
            IndexSpec = indexSpec,
            IndexDescription = indexDescription,
            ImageCount = catalog.Count,
            VectorCount = index.Count,
            Index = await DescribeAsync(folder, indexName, cancellationToken).ConfigureAwait(false),
            Catalog = await DescribeAsync(folder, catalogName, cancellationToken).ConfigureAwait(false),
            Choice = choice,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, IndexManifestJsonContext.Default.IndexManifest);
        await AtomicFile.WriteAllBytesAsync(Path.Combine(folder, IndexManifest.FileName), json, cancellationToken).ConfigureAwait(false);
        DeleteOtherGenerations(folder, indexName, catalogName);
        return manifest;
    }

    /// <summary>Whether <paramref name="folder"/> holds a saved index.</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, IndexManifest.FileName));

    /// <summary>Reads and checks the manifest of <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">No manifest, an unreadable one, or an unknown format version.</exception>
    public static IndexManifest ReadManifest(string folder)
    {
        var path = Path.Combine(folder, IndexManifest.FileName);
        if (!File.Exists(path))
        {
            throw IndexFormatError.Create(folder, $"it has no {IndexManifest.FileName} (not an index folder, or never saved)");
        }
        IndexManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), IndexManifestJsonContext.Default.IndexManifest);
        }
        catch (JsonException e)
        {
            throw IndexFormatError.Create(folder, $"{IndexManifest.FileName} is not valid: {e.Message}", e);
        }
        if (manifest is null)
        {
            throw IndexFormatError.Create(folder, $"{IndexManifest.FileName} is empty");
        }
        if (manifest.FormatVersion != IndexManifest.CurrentFormatVersion)
        {
            throw IndexFormatError.Create(folder,
                $"its format version is {manifest.FormatVersion}; this library reads version {IndexManifest.CurrentFormatVersion}");
        }
        return manifest;
    }

    /// <summary>Checks that a data file named by the manifest is present, complete and unchanged; returns its path.</summary>
    /// <exception cref="InvalidDataException">The file is missing, has another size, or another checksum.</exception>
    public static string VerifyFile(string folder, ManifestFile file, bool verifyChecksum)
    {
        var path = Path.Combine(folder, file.Name);
        if (file.Name.Contains('/') || file.Name.Contains('\\') || !File.Exists(path))
        {
            throw IndexFormatError.Create(folder, $"the file {file.Name} named by {IndexManifest.FileName} is missing");
        }
        var length = new FileInfo(path).Length;
        if (length != file.Bytes)
        {
            throw IndexFormatError.Create(folder, $"{file.Name} holds {length} bytes, the manifest says {file.Bytes} (truncated or replaced)");
        }
        if (verifyChecksum)
        {
            using var stream = File.OpenRead(path);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw IndexFormatError.Create(folder, $"{file.Name} does not match its checksum in the manifest (corrupt)");
            }
        }
        return path;
    }

    /// <summary>Reads the catalog file named by <paramref name="manifest"/>, with the index's tombstones.</summary>
    public static (ImageCatalog Catalog, long[] Tombstones) ReadCatalog(string folder, IndexManifest manifest, bool verifyChecksum)
    {
        var path = VerifyFile(folder, manifest.Catalog, verifyChecksum);
        try
        {
            using var stream = File.OpenRead(path);
            return CatalogSerializer.Read(stream);
        }
        catch (InvalidDataException e)
        {
            throw IndexFormatError.Create(folder, $"{manifest.Catalog.Name}: {e.Message}", e);
        }
    }

    private static long? TryReadGeneration(string folder)
    {
        try
        {
            return Exists(folder) ? ReadManifest(folder).Generation : null;
        }
        catch (InvalidDataException)
        {
            return DateTime.UtcNow.Ticks;
        }
    }

    private static async Task<ManifestFile> DescribeAsync(string folder, string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, name);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return new ManifestFile(name, stream.Length, Convert.ToHexStringLower(hash));
    }

    private static void DeleteOtherGenerations(string folder, string indexName, string catalogName)
    {
        foreach (var pattern in new[] { "index.*.faiss", "catalog.*.bin", ".*.tmp" })
        {
            foreach (var path in Directory.EnumerateFiles(folder, pattern))
            {
                var name = Path.GetFileName(path);
                if (name != indexName && name != catalogName)
                {
                    AtomicFile.TryDelete(path);
                }
            }
        }
    }
}
