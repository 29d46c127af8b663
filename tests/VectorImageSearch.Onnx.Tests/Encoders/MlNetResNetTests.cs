using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx.Tests.Models;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>
/// ML.NET's real ImageNet ResNet18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1) under the MlNetResNet preset,
/// and near-duplicate retrieval of the five fixture photos edited five ways (the small version of the table in
/// docs/models.md, which benchmarks/NearDuplicateMeasurements makes on twelve photos).
/// </summary>
public sealed class MlNetResNetTests(ITestOutputHelper output)
{
    private static readonly string[] Photos = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg"];

    [Fact]
    public void The_preset_loads_the_package_model_with_its_bgr_mean_image_recipe()
    {
        using var encoder = new OnnxImageEncoder(MlNetResNet18Package.Model, ImageEncoderPreset.MlNetResNet);

        Assert.Equal(512, encoder.Dimension);
        Assert.Equal("Pooling395_Output_0", encoder.OutputName);
        Assert.Equal(EmbeddingPooling.GlobalAverage, encoder.Pooling);
        var recipe = encoder.Recipe;
        Assert.Equal((224, 224, 224), (recipe.ShortestEdge, recipe.CropWidth, recipe.CropHeight));
        Assert.Equal(ChannelOrder.Bgr, recipe.ChannelOrder);
        Assert.Equal(1f, recipe.RescaleFactor);
        Assert.Equal([0f, 0f, 0f], recipe.Mean);
        Assert.Equal(MeanImage.FromOnnxInitializer(MlNetResNet18Package.Preprocess).Digest, recipe.MeanImage!.Digest);
        Assert.Contains(recipe.MeanImage.Digest, recipe.ToString()); // the recipe text goes into the model fingerprint
        // The model's batch is fixed at 1: a batch of three runs as three single runs, each equal to its own encode.
        var inputs = Photos[..3].Select(p => ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, p))).ToList();
        var batch = encoder.EncodeBatch(inputs);
        for (var i = 0; i < inputs.Count; i++)
        {
            EncoderAssert.UnitLength(batch[i]);
            Assert.Equal(encoder.Encode(inputs[i]), batch[i]);
        }
    }

    [Fact]
    public void The_preset_without_the_package_mean_image_file_fails_naming_it()
    {
        using var folder = new TemporaryFolder();
        var model = new OnnxModelBuilder()
            .Input("Input247", TensorElementType.Float, 1L, 3L, 224L, 224L)
            .Node("GlobalAveragePool", ["Input247"], ["pooled"])
            .Output("pooled", TensorElementType.Float, 1L, 3L, 1L, 1L)
            .WriteTo(folder.Path, "ResNet18Onnx/ResNet18.onnx");

        var error = Assert.Throws<ModelLoadException>(() => new OnnxImageEncoder(model, ImageEncoderPreset.MlNetResNet));

        Assert.Contains("ResNetPreprocess.onnx", error.Message);
        Assert.Contains(Path.Combine(folder.Path, "ResNetPrepOnnx"), error.Message);
    }

    /// <remarks>
    /// Two facts, each a property of the real model on real photos: every edit's nearest original is its own photo
    /// (25 of 25), and at cosine ≥ 0.60 the 30 images fall into exactly the five true groups. Margins are measured, not
    /// generous: with RGB instead of BGR the downscaled JPEG of one photo loses its top-1, and without the mean image
    /// two groups merge at 0.60 (see docs/models.md). Everything here is deterministic (pinned libvips, ONNX Runtime on CPU).
    /// </remarks>
    [Fact]
    public void Edited_fixture_photos_find_their_originals_and_form_their_own_groups()
    {
        using var encoder = new OnnxImageEncoder(MlNetResNet18Package.Model, ImageEncoderPreset.MlNetResNet);
        List<float[]> vectors = [];
        List<int> groups = [];
        List<string> names = [];
        for (var i = 0; i < Photos.Length; i++)
        {
            var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.PreprocessFixture, Photos[i]));
            vectors.Add(encoder.Encode(ImageInput.FromBytes(bytes, Photos[i])));
            groups.Add(i);
            names.Add(Photos[i]);
            using var image = PhotoEdits.Load(bytes);
            foreach (var (kind, _, apply) in PhotoEdits.All)
            {
                vectors.Add(encoder.Encode(ImageInput.FromBytes(apply(image), $"{Photos[i]}:{kind}")));
                groups.Add(i);
                names.Add($"{Photos[i]}:{kind}");
            }
        }
        var originals = Enumerable.Range(0, vectors.Count).Where(i => !names[i].Contains(':', StringComparison.Ordinal)).ToArray();

        List<string> misses = [];
        for (var i = 0; i < vectors.Count; i++)
        {
            if (originals.Contains(i))
            {
                continue;
            }
            var scores = originals.Select(o => TensorPrimitives.Dot(vectors[i], vectors[o])).ToArray();
            var best = originals[Array.IndexOf(scores, scores.Max())];
            output.WriteLine($"{names[i]}: own {scores[groups[i]]:F3}, best {names[best]} {scores.Max():F3}");
            if (groups[best] != groups[i])
            {
                misses.Add($"{names[i]} → {names[best]}");
            }
        }
        Assert.Empty(misses);

        var components = Components(vectors, 0.60f);
        for (var a = 0; a < vectors.Count; a++)
        {
            for (var b = a + 1; b < vectors.Count; b++)
            {
                Assert.True((groups[a] == groups[b]) == (components[a] == components[b]),
                    $"{names[a]} and {names[b]} (cosine {TensorPrimitives.Dot(vectors[a], vectors[b]):F3}) should be {(groups[a] == groups[b] ? "in one group" : "in different groups")} at 0.60");
            }
        }
    }

    private static int[] Components(List<float[]> vectors, float threshold)
    {
        var parent = Enumerable.Range(0, vectors.Count).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                x = parent[x] = parent[parent[x]];
            }
            return x;
        }
        for (var a = 0; a < vectors.Count; a++)
        {
            for (var b = a + 1; b < vectors.Count; b++)
            {
                if (TensorPrimitives.Dot(vectors[a], vectors[b]) >= threshold)
                {
                    parent[Find(a)] = Find(b);
                }
            }
        }
        return [.. Enumerable.Range(0, vectors.Count).Select(Find)];
    }
}
