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

        Assert.Equal(12, report.Encoded);
        Assert.Equal(2, report.DecodeWorkers);
        Assert.True(report.DecodeTime > TimeSpan.Zero, $"decode {report.DecodeTime}");
        Assert.True(report.InferenceTime > TimeSpan.Zero, $"inference {report.InferenceTime}");
        Assert.True(report.CommitTime > TimeSpan.Zero, $"commit {report.CommitTime}");
        Assert.True(report.InferenceTime + report.CommitTime + report.WaitingForImages <= report.Elapsed,
            $"the model loop's stages ({report.TimingsSummary}) cannot take longer than the run ({report.Elapsed})");
        Assert.True(report.DecodeTime <= report.Elapsed * report.DecodeWorkers, $"{report.DecodeTime} on {report.DecodeWorkers} workers in {report.Elapsed}");
        Assert.Contains("on 2 workers", report.TimingsSummary);
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
        Assert.Equal(TimeSpan.Zero, again.InferenceTime);
        Assert.Equal(TimeSpan.Zero, again.CommitTime);
    }
}
