using VectorImageSearch.Tests.EndToEnd;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Tests.Indexing;

public sealed class IndexingTimingsTests
{
    [Fact]
    public async Task A_run_reports_where_its_time_went_within_its_wall_time()
    {
        using var temp = new TempFolder();
        foreach (var label in ShapeLabel.All.Take(12))
        {
            File.Copy(label.Path, temp.Combine(Path.GetFileName(label.Path)));
        }
        using var factory = new SearchFactory(o => { o.BatchSize = 4; o.DecodeParallelism = 2; });

        var report = await factory.Search.IndexDirectoryAsync(temp.Path);

        var timings = report.Timings;
        Assert.Equal(12, report.Encoded);
        Assert.Equal(2, timings.DecodeWorkers);
        Assert.True(timings.Decode > TimeSpan.Zero, $"decode {timings.Decode}");
        Assert.True(timings.Inference > TimeSpan.Zero, $"inference {timings.Inference}");
        Assert.True(timings.Commit > TimeSpan.Zero, $"commit {timings.Commit}");
        Assert.True(timings.Inference + timings.Commit + timings.WaitingForImages <= report.Elapsed,
            $"the model loop's stages ({timings}) cannot take longer than the run ({report.Elapsed})");
        Assert.True(timings.Decode <= report.Elapsed * timings.DecodeWorkers, $"{timings.Decode} on {timings.DecodeWorkers} workers in {report.Elapsed}");
        Assert.Contains("on 2 workers", timings.ToString());
    }

    [Fact]
    public async Task A_run_with_nothing_to_encode_reports_no_inference()
    {
        using var temp = new TempFolder();
        File.Copy(ShapeLabel.All[0].Path, temp.Combine("one.png"));
        using var factory = new SearchFactory();
        await factory.Search.IndexDirectoryAsync(temp.Path);

        var again = await factory.Search.IndexDirectoryAsync(temp.Path);

        Assert.Equal(0, again.Encoded);
        Assert.Equal(TimeSpan.Zero, again.Timings.Inference);
        Assert.Equal(TimeSpan.Zero, again.Timings.Commit);
    }
}
