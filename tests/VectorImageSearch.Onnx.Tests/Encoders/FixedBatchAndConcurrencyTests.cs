using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using VectorImageSearch.Onnx.Tests.Inference;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>Fixed batch sizes, concurrent runs on one session, and images as Microsoft.Extensions.AI <see cref="DataContent"/>.</summary>
public sealed class FixedBatchAndConcurrencyTests(ClipTinyFixture clip) : IClassFixture<ClipTinyFixture>
{
    private static readonly float[] Weights = [1f, 2f, 3f];

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(4L)]
    public void A_fixed_batch_model_runs_at_its_batch_size_and_says_so_once(long fixedBatch)
    {
        using var folder = new TemporaryFolder();
        using var dynamicFolder = new TemporaryFolder();
        var fixedModel = TinyModels.WeightedChannelMeans(Weights, fixedBatch).WriteTo(folder.Path, "model.onnx");
        var dynamicModel = TinyModels.WeightedChannelMeans(Weights, "batch").WriteTo(dynamicFolder.Path, "model.onnx");
        using var logs = new ListLoggerFactory();
        using var encoder = new OnnxImageEncoder(new OnnxImageEncoderOptions { ModelPath = fixedModel, Recipe = VectorImageSearch.Onnx.Imaging.PreprocessRecipe.Clip224, MaxBatchSize = 16 }, logs);
        using var reference = new OnnxImageEncoder(new OnnxImageEncoderOptions { ModelPath = dynamicModel, Recipe = VectorImageSearch.Onnx.Imaging.PreprocessRecipe.Clip224 });

        var images = ShapeLabel.All.Take(5).Select(label => label.Input).ToArray();
        var expected = reference.EncodeBatch(images);
        var actual = encoder.EncodeBatch(images);
        var again = encoder.EncodeBatch(images.Take(3).ToArray());

        for (var i = 0; i < images.Length; i++)
        {
            EncoderAssert.Close(expected[i], actual[i]);
        }
        for (var i = 0; i < 3; i++)
        {
            EncoderAssert.Close(expected[i], again[i]);
        }
        var note = Assert.Single(logs.Entries, entry => entry.Message.Contains("fixed batch", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, note.Level);
        Assert.Contains($"fixed batch size of {fixedBatch}", note.Message);
    }

    [Fact]
    public void A_fixed_batch_text_model_pads_its_batches()
    {
        using var folder = new TemporaryFolder();
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(RepoPaths.ClipTinyShapes, file), Path.Combine(folder.Path, file));
        }
        TinyModels.IdSumAndMax("input_ids", "text_embeds", 2L, 77L).WriteTo(folder.Path, "onnx/text_model.onnx");
        using var encoder = new ClipTextEncoder(folder.Path);
        Assert.Equal(2, encoder.MaxBatchSize);
        var tokenizer = VectorImageSearch.Onnx.Text.ClipTokenizer.FromFolder(folder.Path);
        string[] texts = ["a red circle", "a blue star", "a green heart"];
        var embeddings = encoder.EncodeBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var ids = tokenizer.EncodeContext(texts[i]);
            float[] expected = [ids.Sum() * 1e-5f, ids.Max() * 1e-5f];
            System.Numerics.Tensors.TensorPrimitives.Divide(expected, System.Numerics.Tensors.TensorPrimitives.Norm(expected), expected);
            EncoderAssert.Close(expected, embeddings[i]);
        }
    }

    [Fact]
    public void Concurrent_runs_on_one_session_give_the_sequential_results()
    {
        var images = ShapeLabel.All.Take(8).Select(label => label.Input).ToArray();
        string[] texts = ["a red circle", "a blue square", "a green triangle", "a yellow heart"];
        var expectedImages = clip.Image.EncodeBatch(images);
        var expectedTexts = clip.Text.EncodeBatch(texts);
        var mismatches = 0;
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var imageIndex = i % images.Length;
            var image = clip.Image.EncodeBatch([images[imageIndex], images[(imageIndex + 1) % images.Length]]);
            var text = clip.Text.Encode(texts[i % texts.Length]);
            if (!image[0].SequenceEqual(expectedImages[imageIndex]) || !image[1].SequenceEqual(expectedImages[(imageIndex + 1) % images.Length])
                || !text.SequenceEqual(expectedTexts[i % texts.Length]))
            {
                Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public async Task Images_as_data_content_embed_like_the_files_they_hold()
    {
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = clip.Image;
        var label = ShapeLabel.First("red", "circle");
        var content = new DataContent(await File.ReadAllBytesAsync(label.Path), "image/png") { Name = Path.GetFileName(label.Path) };
        var generated = await generator.GenerateAsync([content]);
        Assert.Equal(clip.Image.Encode(label.Input), generated[0].Vector.ToArray());
        Assert.Equal("clip-tiny-shapes", generated[0].ModelId);

        var text = new DataContent("hello"u8.ToArray(), "text/plain") { Name = "notes.txt" };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([text]));
        Assert.Contains("notes.txt", error.Message);
        Assert.Contains("text/plain", error.Message);
    }
}
