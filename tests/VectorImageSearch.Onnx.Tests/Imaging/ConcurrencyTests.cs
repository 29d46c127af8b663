using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Imaging;

/// <summary>Many threads decoding at once get the same results as one thread, failures included.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void Parallel_preprocessing_matches_serial_and_failures_stay_isolated()
    {
        var names = new[] { "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "camera.png", "bad-truncated.jpg" };
        var inputs = names.Select(n => ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, n))).ToArray();
        var recipes = new[] { PreprocessRecipe.Clip224, PreprocessRecipe.ResNet224 };

        float[]? Serial(ImageInput input, PreprocessRecipe recipe)
        {
            var tensor = new float[recipe.TensorLength];
            try
            {
                ImagePipeline.Preprocess(input, recipe, tensor);
                return tensor;
            }
            catch (ImageDecodeException)
            {
                return null;
            }
        }

        var expected = inputs.SelectMany(i => recipes.Select(r => Serial(i, r))).ToArray();
        const int rounds = 4;
        var results = new float[]?[expected.Length * rounds];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var job = k % expected.Length;
            results[k] = Serial(inputs[job / recipes.Length], recipes[job % recipes.Length]);
        });

        Assert.Null(expected[^1]); // the truncated JPEG fails every time
        for (var k = 0; k < results.Length; k++)
        {
            var want = expected[k % expected.Length];
            if (want is null)
            {
                Assert.Null(results[k]);
            }
            else
            {
                Assert.Equal(want, results[k]);
            }
        }
    }
}
