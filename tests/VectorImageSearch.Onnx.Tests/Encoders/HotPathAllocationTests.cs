using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>
/// The inference hot path allocates per run, never per image: OrtValues over the caller's pixels, outputs written in
/// place (or pooled). Measured with the managed allocations of the calling thread, for 1 and for 16 images.
/// </summary>
public sealed class HotPathAllocationTests(ClipTinyFixture clip, ITestOutputHelper output) : IClassFixture<ClipTinyFixture>
{
    [Fact]
    public void Clip_image_embedding_allocates_no_more_for_sixteen_images_than_for_one() =>
        AssertFlat("CLIP image (output written in place)", clip.Image);

    [Fact]
    public void Pooled_resnet_embedding_allocates_no_more_for_sixteen_images_than_for_one()
    {
        using var resnet = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes);
        AssertFlat("ResNet (output pooled)", resnet);
    }

    private void AssertFlat(string name, IImageEncoder encoder)
    {
        var pixels = new float[16 * encoder.PreprocessedLength];
        var embeddings = new float[16 * encoder.Dimension];
        long Measure(int count)
        {
            encoder.EncodePreprocessed(pixels.AsSpan(0, count * encoder.PreprocessedLength), count, embeddings.AsSpan(0, count * encoder.Dimension));
            var before = GC.GetAllocatedBytesForCurrentThread();
            encoder.EncodePreprocessed(pixels.AsSpan(0, count * encoder.PreprocessedLength), count, embeddings.AsSpan(0, count * encoder.Dimension));
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var one = Measure(1);
        var sixteen = Measure(16);
        output.WriteLine($"{name}: {one} bytes for 1 image, {sixteen} bytes for 16");
        Assert.True(sixteen - one < 512, $"{name}: {sixteen} bytes for 16 images against {one} for 1: something is allocated per image");
    }
}
