namespace VectorImageSearch;

/// <summary>
/// Where an indexing run spent its time, measured while it ran (the pipeline's; <see cref="IndexingReport"/> carries the
/// figures). Decoding overlaps inference, so the stages do not add
/// up to the wall time: <see cref="WaitingForImages"/> is the part of decoding that inference did not hide.
/// </summary>
/// <param name="Decode">Time the decode workers spent reading, hashing, decoding and preprocessing images, summed over the workers.</param>
/// <param name="DecodeWorkers">How many images were decoded at once (<see cref="ImageSearchOptions.DecodeParallelism"/>, at most one per image).</param>
/// <param name="Inference">Wall time inside the model's batch runs.</param>
/// <param name="Commit">Wall time adding encoded batches to the index and the catalog.</param>
/// <param name="WaitingForImages">Wall time the model loop waited for decoded images, the first batch included.</param>
internal sealed record IndexingTimings(TimeSpan Decode, int DecodeWorkers, TimeSpan Inference, TimeSpan Commit, TimeSpan WaitingForImages)
{
    /// <summary>A one-line summary for logs and consoles, e.g. "decode 36.6 s on 2 workers, inference 1.0 s, commit 0.1 s, waiting for images 17.9 s".</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"decode {Decode.TotalSeconds:F1} s on {DecodeWorkers} worker{(DecodeWorkers == 1 ? "" : "s")}, inference {Inference.TotalSeconds:F1} s, commit {Commit.TotalSeconds:F1} s, waiting for images {WaitingForImages.TotalSeconds:F1} s");
}
