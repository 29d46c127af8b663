using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VectorImageSearch;

// Indexes a large folder tree with the tiny demo CLIP model and reports when the first image was encoded and the peak RSS:
//   dotnet run -c Release --project benchmarks/ScanMeasurement -- --root /tmp/vis-1m --folders 1000 --per-folder 1000
// The tree (made once, kept for reruns) holds folders x per-folder entries: in each folder one shape PNG and the rest
// empty .txt files the walk must list and skip. Output: one line of key=value facts on stdout.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
var root = options.GetValueOrDefault("root", Path.Combine(Path.GetTempPath(), "vis-1m"));
var folders = int.Parse(options.GetValueOrDefault("folders", "1000"), CultureInfo.InvariantCulture);
var perFolder = int.Parse(options.GetValueOrDefault("per-folder", "1000"), CultureInfo.InvariantCulture);
var repo = FindRepo(AppContext.BaseDirectory);
var model = Path.Combine(repo, "samples", "models", "clip-tiny-shapes");
var shapes = Directory.GetFiles(Path.Combine(repo, "samples", "images", "shapes"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

var clock = Stopwatch.StartNew();
MakeTree(root, folders, perFolder, shapes);
Console.Error.WriteLine($"tree of {folders * perFolder} entries ready in {clock.Elapsed.TotalSeconds:F1} s");

var services = new ServiceCollection();
services.AddImageSearch(o => o.UseClip(model));
await using var provider = services.BuildServiceProvider();
var search = provider.GetRequiredService<IImageSearch>();
_ = search.Count; // open the store and load the models before the clock starts

var firstEncoded = TimeSpan.Zero;
var started = Stopwatch.StartNew();
var progress = new FirstEncoded(() => firstEncoded = started.Elapsed);
using var sampler = new PeakRss();
var report = await search.IndexDirectoryAsync(root, progress);
var total = started.Elapsed;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"entries={folders * perFolder} images={report.Encoded} failures={report.Failures.Count} first_encoded_s={firstEncoded.TotalSeconds:F2} total_s={total.TotalSeconds:F1} peak_rss_mib={PeakRss.HighWaterMiB():F0} gc_heap_peak_mib={sampler.PeakManagedMiB:F0}"));
return 0;

static void MakeTree(string root, int folders, int perFolder, string[] shapes)
{
    var marker = Path.Combine(root, $".complete-{folders}x{perFolder}");
    if (File.Exists(marker))
    {
        return;
    }
    Parallel.For(0, folders, f =>
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, $"f{f:D5}")).FullName;
        var image = Path.Combine(folder, "image.png");
        if (!File.Exists(image))
        {
            File.Copy(shapes[f % shapes.Length], image);
        }
        for (var e = 1; e < perFolder; e++)
        {
            File.Create(Path.Combine(folder, $"e{e:D6}.txt")).Dispose();
        }
    });
    File.WriteAllText(marker, "");
}

static string FindRepo(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "VectorImageSearch.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException($"No VectorImageSearch.sln above {start}");
}

/// <summary>Records the time of the first progress report with an encoded image.</summary>
internal sealed class FirstEncoded(Action first) : IProgress<IndexingProgress>
{
    private bool _seen;

    public void Report(IndexingProgress value)
    {
        if (!_seen && value.Encoded > 0)
        {
            _seen = true;
            first();
        }
    }
}

/// <summary>Samples the managed heap every 50 ms; the kernel keeps the RSS high-water mark (VmHWM).</summary>
internal sealed class PeakRss : IDisposable
{
    private readonly Timer _timer;
    private long _peakManaged;

    public PeakRss() => _timer = new Timer(_ => Sample(), null, 0, 50);

    public double PeakManagedMiB => Interlocked.Read(ref _peakManaged) / 1048576.0;

    public static double HighWaterMiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        long seen;
        while (heap > (seen = Interlocked.Read(ref _peakManaged)) && Interlocked.CompareExchange(ref _peakManaged, heap, seen) != seen)
        {
        }
    }
}
