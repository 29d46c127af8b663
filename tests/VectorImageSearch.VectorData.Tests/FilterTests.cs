using System.Linq.Expressions;
using Microsoft.Extensions.VectorData;
using VectorImageSearch.Faiss;
using VectorImageSearch.Postgres;
using VectorImageSearch.Postgres.Tests;

namespace VectorImageSearch.VectorData.Tests;

/// <summary>LINQ filters on FaissVectorStore collections (FAISS ID selectors).</summary>
public sealed class FaissFilterTests : FilterTests
{
    protected override VectorStore CreateStore() => new FaissVectorStore(new FaissImageStoreOptions { IndexSpec = "Flat" });
}

/// <summary>LINQ filters on PostgresVectorStore collections (SQL on a real server).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFilterTests(PostgresServer server) : FilterTests
{
    protected override VectorStore CreateStore() => new PostgresVectorStore(new PostgresImageStoreOptions
    {
        ConnectionString = server.ConnectionString,
        Schema = "vectordata_filters",
        DefaultSearch = new PgvectorSearchParameters { Exact = true },
    });
}

/// <summary>
/// LINQ filters on an image-record collection: the supported forms restrict the search before the nearest are chosen
/// (checked against the same predicate run over the records), the rest are refused naming the expression.
/// </summary>
public abstract class FilterTests : IAsyncLifetime
{
    private static readonly DateTime Epoch = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _suffix = Guid.NewGuid().ToString("N");
    private readonly Photo[] _photos = FaissCollectionTests.Photos();
    private VectorStore _store = null!;
    private VectorStoreCollection<long, Photo> _collection = null!;

    protected abstract VectorStore CreateStore();

    public async Task InitializeAsync()
    {
        _store = CreateStore();
        _collection = _store.GetCollection<long, Photo>("photos_" + _suffix);
        await _collection.UpsertAsync(_photos);
    }

    public async Task DisposeAsync()
    {
        await _collection.EnsureCollectionDeletedAsync();
        _store.Dispose();
    }

    public static TheoryData<string> SupportedFilters => new()
    {
        "album == summer", "rating == 5", "favourite", "!favourite", "favourite == false", "exposure == 0.125",
        "taken >= day1", "taken < day2", "day1 <= taken", "day2 > taken", "album && taken range",
        "captured album", "constant true", "constant false", "contradiction",
    };

    private static Expression<Func<Photo, bool>> Filter(string name)
    {
        var album = "winter";
        return name switch
        {
            "album == summer" => p => p.Album == "summer",
            "rating == 5" => p => p.Rating == 5,
            "favourite" => p => p.Favourite,
            "!favourite" => p => !p.Favourite,
            "favourite == false" => p => p.Favourite == false,
            "exposure == 0.125" => p => p.Exposure == 0.125,
            "taken >= day1" => p => p.Taken >= Epoch.AddDays(1),
            "taken < day2" => p => p.Taken < Epoch.AddDays(2),
            "day1 <= taken" => p => Epoch.AddDays(1) <= p.Taken,
            "day2 > taken" => p => Epoch.AddDays(2) > p.Taken,
            "album && taken range" => p => p.Album == "summer" && p.Taken >= Epoch && p.Taken < Epoch.AddDays(1),
            "captured album" => p => p.Album == album,
            "constant true" => p => true,
            "constant false" => p => false,
            "contradiction" => p => p.Album == "summer" && p.Album == "winter",
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(SupportedFilters))]
    public async Task A_supported_filter_returns_exactly_the_matching_records_nearest_first(string name)
    {
        var filter = Filter(name);
        var predicate = filter.Compile();
        var query = Vectors.Unit(0.3f, 0.5f, 1, 0.1f); // a distinct cosine with every photo: no ties
        var expected = _photos.Where(predicate).OrderByDescending(p => Vectors.Cosine(query, p.Embedding.Span)).Select(p => p.Id).ToList();

        var hits = await _collection.SearchAsync(query, 10, new VectorSearchOptions<Photo> { Filter = filter }).ToListAsync();
        Assert.Equal(expected, hits.Select(h => h.Record.Id));
        var listed = await _collection.GetAsync(filter, 10).ToListAsync();
        Assert.Equal(expected.Order(), listed.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task The_filter_applies_before_the_nearest_are_chosen()
    {
        // Photo 5 is the farthest from this query: a filter applied after a top-1 search would find nothing.
        var hits = await _collection.SearchAsync(Vectors.Unit(1, 0, 0, 0), 1, new VectorSearchOptions<Photo> { Filter = p => p.Rating == 1 }).ToListAsync();
        Assert.Equal(5L, Assert.Single(hits).Record.Id);
    }

    [Fact]
    public async Task Filtered_retrieval_skips_and_stops_at_top()
    {
        var page = await _collection.GetAsync(p => p.Favourite == false, 2, new FilteredRecordRetrievalOptions<Photo> { Skip = 1 }).ToListAsync();
        Assert.Equal([4L, 5L], page.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task Key_prefixes_filter_string_keys()
    {
        var images = _store.GetCollection<string, IndexedImage>("images_" + _suffix);
        await images.UpsertAsync(new[] { "/a/1.jpg", "/a/2.jpg", "/ab/3.jpg", "/b/4.jpg" }.Select((k, i) => new IndexedImage { Path = k, Vector = Vectors.Unit(1, i, 0, 0) }));
        var prefix = "/a/";
        var hits = await images.SearchAsync(Vectors.Unit(1, 0, 0, 0), 10, new VectorSearchOptions<IndexedImage> { Filter = r => r.Path.StartsWith(prefix) }).ToListAsync();
        Assert.Equal(["/a/1.jpg", "/a/2.jpg"], hits.Select(h => h.Record.Path));
        var ordinal = await images.GetAsync(r => r.Path.StartsWith("/a", StringComparison.Ordinal) && r.Path.StartsWith("/ab"), 10).ToListAsync();
        Assert.Equal(["/ab/3.jpg"], ordinal.Select(r => r.Path));
        await images.EnsureCollectionDeletedAsync();
    }

    public static TheoryData<string, string> UnsupportedFilters => new()
    {
        { "or", "OrElse" }, { "not equal", "!=" }, { "key equality", "key is not a filter condition" }, { "method", "Contains" },
        { "rating range", "LastWriteUtc" }, { "null", "null" }, { "two properties", "does not read the record" },
        { "taken > day1", ">= and <" }, { "taken <= day2", ">= and <" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedFilters))]
    public async Task An_unsupported_filter_is_refused_naming_the_expression(string name, string expected)
    {
        Expression<Func<Photo, bool>> filter = name switch
        {
            "or" => p => p.Album == "summer" || p.Album == "winter",
            "not equal" => p => p.Album != "summer",
            "key equality" => p => p.Id == 3,
            "method" => p => p.Album!.Contains("umm"),
            "rating range" => p => p.Rating > 3,
            "null" => p => p.Album == null,
            "taken > day1" => p => p.Taken > Epoch.AddDays(1),
            "taken <= day2" => p => p.Taken <= Epoch.AddDays(2),
            _ => p => p.Album == p.Album,
        };
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => _collection.SearchAsync(Vectors.Unit(1, 0, 0, 0), 3, new VectorSearchOptions<Photo> { Filter = filter }).ToListAsync().AsTask());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("is not supported", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => _collection.GetAsync(filter, 3).ToListAsync().AsTask());
    }

    [Fact]
    public async Task OrderBy_in_filtered_retrieval_is_refused()
    {
        var options = new FilteredRecordRetrievalOptions<Photo> { OrderBy = o => o.Ascending(p => p.Rating!) };
        await Assert.ThrowsAsync<NotSupportedException>(() => _collection.GetAsync(p => true, 3, options).ToListAsync().AsTask());
    }
}
