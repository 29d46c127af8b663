using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>Loads the tiny CLIP's two encoders once for the tests of <see cref="ClipEncoderTests"/>.</summary>
public sealed class ClipTinyFixture : IDisposable
{
    public ClipTextEncoder Text { get; } = new(RepoPaths.ClipTinyShapes);

    public ClipImageEncoder Image { get; } = new(RepoPaths.ClipTinyShapes);

    public void Dispose()
    {
        Text.Dispose();
        Image.Dispose();
    }
}

public sealed class ClipEncoderTests(ClipTinyFixture clip, ITestOutputHelper output) : IClassFixture<ClipTinyFixture>
{
    /// <summary>Query, the (colour, shape) it names, and three (colour, shape) pairs it must be farther from.</summary>
    public static TheoryData<string, string, string[]> SemanticCases => new()
    {
        { "a red circle", "red circle", ["blue square", "green triangle", "red star"] },
        { "a blue square", "blue square", ["red circle", "blue star", "green square"] },
        { "a green triangle", "green triangle", ["green circle", "yellow triangle", "red square"] },
        { "a yellow heart", "yellow heart", ["yellow star", "pink heart", "blue circle"] },
        { "a purple cross", "purple cross", ["purple circle", "orange cross", "green heart"] },
        { "an orange star", "orange star", ["orange circle", "blue star", "red heart"] },
        { "a pink square", "pink square", ["pink heart", "red square", "black triangle"] },
        { "a black heart", "black heart", ["black cross", "red heart", "white circle"] },
        { "a brown triangle", "brown triangle", ["brown square", "orange triangle", "purple star"] },
        { "a gray circle", "gray circle", ["gray star", "white circle", "blue triangle"] },
        { "a white star", "white star", ["white heart", "yellow star", "black square"] },
        { "a blue heart", "blue heart", ["blue cross", "purple heart", "yellow circle"] },
    };

    [Fact]
    public void Both_towers_load_with_the_declared_64_dimensions_and_return_unit_vectors()
    {
        Assert.Equal(64, clip.Text.Dimension);
        Assert.Equal(64, clip.Image.Dimension);
        Assert.Equal(3 * 224 * 224, clip.Image.PreprocessedLength);
        Assert.EndsWith(Path.Combine("onnx", "text_model.onnx"), clip.Text.ModelFile);
        Assert.EndsWith(Path.Combine("onnx", "vision_model.onnx"), clip.Image.ModelFile);
        var text = clip.Text.Encode("a red circle");
        var image = clip.Image.Encode(ShapeLabel.First("red", "circle").Input);
        Assert.Equal(64, text.Length);
        Assert.Equal(64, image.Length);
        EncoderAssert.UnitLength(text);
        EncoderAssert.UnitLength(image);
    }

    [Theory]
    [MemberData(nameof(SemanticCases))]
    public void A_caption_is_closer_to_its_shape_than_to_the_others(string query, string positive, string[] negatives)
    {
        var text = clip.Text.Encode(query);
        var positiveScore = Score(text, positive);
        foreach (var negative in negatives)
        {
            var negativeScore = Score(text, negative);
            output.WriteLine($"'{query}': {positive} {positiveScore:F3} vs {negative} {negativeScore:F3}");
            Assert.True(positiveScore > negativeScore,
                $"'{query}' scored {positiveScore:F4} with a {positive} but {negativeScore:F4} with a {negative}.");
        }
    }

    [Fact]
    public void Text_batch_and_single_results_are_equal_within_1e_5()
    {
        string[] texts =
        [
            "a red circle", "a small blue star on a beige background", "", "an orange triangle on a dark green background, drawn large",
            string.Concat(Enumerable.Repeat("a purple heart next to a yellow cross, ", 30)), // longer than the 77-token context: cut
        ];
        var batch = clip.Text.EncodeBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var single = clip.Text.Encode(texts[i]);
            output.WriteLine($"text {i}: max |batch - single| = {EncoderAssert.MaxDifference(batch[i], single):E2}");
            EncoderAssert.Close(single, batch[i]);
        }
        Assert.True(EncoderAssert.MaxDifference(batch[0], batch[1]) > 0.01f, "different texts must embed differently");
    }

    [Fact]
    public void Image_batch_and_single_results_are_equal_within_1e_5()
    {
        var images = new[] { ShapeLabel.All[0], ShapeLabel.All[1], ShapeLabel.All[2], ShapeLabel.All[3], ShapeLabel.All[4] }.Select(l => l.Input).ToList();
        var batch = clip.Image.EncodeBatch(images);
        for (var i = 0; i < images.Count; i++)
        {
            var single = clip.Image.Encode(images[i]);
            output.WriteLine($"image {i}: max |batch - single| = {EncoderAssert.MaxDifference(batch[i], single):E2}");
            EncoderAssert.Close(single, batch[i]);
        }

        // The two-stage path of the indexing pipeline gives the same vectors.
        var pixels = new float[images.Count * clip.Image.PreprocessedLength];
        for (var i = 0; i < images.Count; i++)
        {
            clip.Image.Preprocess(images[i], pixels.AsSpan(i * clip.Image.PreprocessedLength, clip.Image.PreprocessedLength));
        }
        var embeddings = new float[images.Count * clip.Image.Dimension];
        clip.Image.EncodePreprocessed(pixels, images.Count, embeddings);
        for (var i = 0; i < images.Count; i++)
        {
            EncoderAssert.Close(batch[i], embeddings.AsSpan(i * 64, 64).ToArray());
        }
    }

    [Fact]
    public async Task Concurrent_callers_get_the_same_vectors_as_sequential_calls()
    {
        string[] texts = ["a red circle", "a blue square", "a green triangle", "a yellow heart"];
        var images = ShapeLabel.All.Take(4).Select(l => l.Input).ToArray();
        var expectedText = texts.Select(clip.Text.Encode).ToArray();
        var expectedImage = images.Select(clip.Image.Encode).ToArray();
        var tasks = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var i = worker % 4;
            var text = await clip.Text.EncodeAsync(texts[i]);
            var image = await clip.Image.EncodeAsync(images[i]);
            return (i, text, image);
        })).ToArray();
        foreach (var (i, text, image) in await Task.WhenAll(tasks))
        {
            EncoderAssert.Close(expectedText[i], text);
            EncoderAssert.Close(expectedImage[i], image);
        }
    }

    [Fact]
    public void Fingerprints_name_the_model_hash_its_files_and_match_across_towers()
    {
        Assert.Matches("^clip-tiny-shapes@sha256:[0-9a-f]{32}$", clip.Text.ModelFingerprint);
        Assert.Equal(clip.Text.ModelFingerprint, clip.Image.ModelFingerprint);
        Assert.Same(clip.Text.ModelFingerprint, clip.Text.ModelFingerprint);
    }

    [Fact]
    public void A_changed_model_file_changes_the_fingerprint()
    {
        using var copy = new TemporaryFolder();
        CopyClipFolder(copy.Path);
        using (var original = new ClipTextEncoder(copy.Path))
        {
            Assert.StartsWith($"{System.IO.Path.GetFileName(copy.Path)}@sha256:", original.ModelFingerprint);
            var before = original.ModelFingerprint;
            File.AppendAllText(System.IO.Path.Combine(copy.Path, "preprocessor_config.json"), " ");
            using var changed = new ClipTextEncoder(copy.Path);
            Assert.NotEqual(before, changed.ModelFingerprint);
        }
    }

    [Fact]
    public async Task The_encoders_are_embedding_generators()
    {
        IEmbeddingGenerator<string, Embedding<float>> textGenerator = clip.Text;
        var generated = await textGenerator.GenerateAsync(["a red circle", "a blue square"]);
        Assert.Equal(2, generated.Count);
        EncoderAssert.Close(clip.Text.Encode("a blue square"), generated[1].Vector.ToArray());
        Assert.Equal("clip-tiny-shapes", generated[0].ModelId);
        var metadata = textGenerator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(64, metadata?.DefaultModelDimensions);
        Assert.Same(clip.Text, textGenerator.GetService<ITextEncoder>());

        IEmbeddingGenerator<ImageInput, Embedding<float>> imageGenerator = clip.Image;
        var image = ShapeLabel.First("red", "circle").Input;
        var vector = await imageGenerator.GenerateVectorAsync(image);
        EncoderAssert.Close(clip.Image.Encode(image), vector.ToArray());
        await Assert.ThrowsAsync<NotSupportedException>(() => imageGenerator.GenerateAsync([image], new EmbeddingGenerationOptions { Dimensions = 32 }));
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_named_in_the_error()
    {
        var missing = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vis-no-model-{Guid.NewGuid():N}");
        var text = Assert.Throws<ModelLoadException>(() => new ClipTextEncoder(missing));
        Assert.Equal(missing, text.ModelPath);
        Assert.Contains("does not exist", text.Message);
        var image = Assert.Throws<ModelLoadException>(() => new ClipImageEncoder(missing));
        Assert.Contains(missing, image.Message);
    }

    [Fact]
    public void A_folder_missing_its_vision_model_says_so()
    {
        using var folder = new TemporaryFolder();
        CopyClipFolder(folder.Path);
        File.Delete(System.IO.Path.Combine(folder.Path, "onnx", "vision_model.onnx"));
        var error = Assert.Throws<ModelLoadException>(() => new ClipImageEncoder(folder.Path));
        Assert.Equal(folder.Path, error.ModelPath);
        Assert.Contains("no vision model", error.Message);
        Assert.Contains("vision_model.onnx", error.Message);
        using var text = new ClipTextEncoder(folder.Path); // the text side is unaffected
        Assert.Equal(64, text.Dimension);
    }

    [Fact]
    public void The_text_model_in_place_of_the_vision_model_is_refused_for_its_inputs()
    {
        using var folder = new TemporaryFolder();
        CopyClipFolder(folder.Path);
        File.Copy(System.IO.Path.Combine(folder.Path, "onnx", "text_model.onnx"), System.IO.Path.Combine(folder.Path, "onnx", "vision_model.onnx"), overwrite: true);
        var error = Assert.Throws<ModelLoadException>(() => new ClipImageEncoder(folder.Path));
        Assert.EndsWith("vision_model.onnx", error.ModelPath);
        Assert.Contains("image input", error.Message);
        Assert.Contains("input_ids: Int64[batch_size, sequence_length]", error.Message);

        File.Copy(System.IO.Path.Combine(RepoPaths.ClipTinyShapes, "onnx", "vision_model.onnx"), System.IO.Path.Combine(folder.Path, "onnx", "text_model.onnx"), overwrite: true);
        var textError = Assert.Throws<ModelLoadException>(() => new ClipTextEncoder(folder.Path));
        Assert.Contains("'input_ids' input", textError.Message);
        Assert.Contains("pixel_values", textError.Message);
    }

    [Fact]
    public void A_corrupt_model_file_is_a_model_load_error_naming_the_file()
    {
        using var folder = new TemporaryFolder();
        CopyClipFolder(folder.Path);
        var vision = System.IO.Path.Combine(folder.Path, "onnx", "vision_model.onnx");
        File.WriteAllBytes(vision, new byte[] { 1, 2, 3, 4, 5 });
        var error = Assert.Throws<ModelLoadException>(() => new ClipImageEncoder(folder.Path));
        Assert.Equal(vision, error.ModelPath);
        Assert.Contains("ONNX Runtime cannot load it", error.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void Two_threads_without_spinning_give_the_same_embeddings_as_the_defaults()
    {
        // The hook runs last before the session is created from these SessionOptions: it sees what ONNX Runtime gets.
        var threads = -1;
        using var sleepy = new ClipImageEncoder(new ClipEncoderOptions
        {
            ModelFolder = RepoPaths.ClipTinyShapes,
            OnnxRuntime = new OnnxRuntimeOptions
            {
                IntraOpThreads = 2,
                AllowThreadSpinning = false,
                ConfigureSessionOptions = session => threads = session.IntraOpNumThreads,
            },
        });
        Assert.Equal(2, threads);
        var inputs = ShapeLabel.All.Take(4).Select(label => label.Input).ToArray();

        var expected = clip.Image.EncodeBatch(inputs);
        var actual = sleepy.EncodeBatch(inputs);

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    internal static void CopyClipFolder(string destination)
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.ClipTinyShapes, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(destination, System.IO.Path.GetRelativePath(RepoPaths.ClipTinyShapes, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private float Score(float[] text, string colourAndShape)
    {
        var parts = colourAndShape.Split(' ');
        var image = clip.Image.Encode(ShapeLabel.First(parts[0], parts[1]).Input);
        return TensorPrimitives.Dot(text, image);
    }
}
