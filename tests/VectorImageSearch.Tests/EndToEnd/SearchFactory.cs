using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.EndToEnd;

/// <summary>Builds a real <see cref="IImageSearch"/> through AddImageSearch, as an application does.</summary>
internal sealed class SearchFactory : IDisposable
{
    private readonly ServiceProvider _provider;

    public SearchFactory(Action<ImageSearchOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddImageSearch(o =>
        {
            o.UseClip(RepoPaths.ClipTinyShapes);
            configure?.Invoke(o);
        });
        _provider = services.BuildServiceProvider();
        Search = _provider.GetRequiredService<IImageSearch>();
    }

    public IImageSearch Search { get; }

    public IServiceProvider Services => _provider;

    public void Dispose() => _provider.Dispose();
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("vis-test-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Copies <paramref name="count"/> sample shapes, from the <paramref name="skip"/>th on, into the subfolder <paramref name="name"/>.</summary>
    public string CopyShapes(string name, int skip, int count)
    {
        var folder = Combine(name);
        Directory.CreateDirectory(folder);
        foreach (var label in ShapeLabel.All.Skip(skip).Take(count))
        {
            File.Copy(label.Path, System.IO.Path.Combine(folder, System.IO.Path.GetFileName(label.Path)));
        }
        return folder;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
