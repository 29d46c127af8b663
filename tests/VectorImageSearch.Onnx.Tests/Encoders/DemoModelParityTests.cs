using System.Globalization;
using VectorImageSearch.Tests.Shared;
using Xunit.Abstractions;

namespace VectorImageSearch.Onnx.Tests.Encoders;

/// <summary>
/// The demo models give the embeddings recorded with the project's earlier hand-written ONNX Runtime binding
/// (tests/fixtures/embeddings/demo-models.tsv: the five reference photos through both demo models, five texts through
/// the CLIP text tower): moving to Microsoft.ML.OnnxRuntime changed no value by more than 1e-6.
/// </summary>
public sealed class DemoModelParityTests : IClassFixture<ClipTinyFixture>
{
    private const float Tolerance = 1e-6f;
    private readonly ClipTinyFixture _clip;
    private readonly ITestOutputHelper _output;

    public DemoModelParityTests(ClipTinyFixture clip, ITestOutputHelper output)
    {
        _clip = clip;
        _output = output;
    }

    public static TheoryData<string, string> Recorded()
    {
        var data = new TheoryData<string, string>();
        foreach (var line in File.ReadAllLines(FixturePath()))
        {
            var fields = line.Split('\t');
            data.Add(fields[0], fields[1]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Embedding_equals_the_one_recorded_with_the_old_binding(string encoder, string input)
    {
        var expected = File.ReadAllLines(FixturePath()).Select(line => line.Split('\t'))
            .Single(fields => fields[0] == encoder && fields[1] == input)[2]
            .Split(' ').Select(value => float.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        float[] actual;
        switch (encoder)
        {
            case "clip-image":
                actual = _clip.Image.Encode(Photo(input));
                break;
            case "resnet-image":
                using (var resnet = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes))
                {
                    actual = resnet.Encode(Photo(input));
                }
                break;
            default:
                actual = _clip.Text.Encode(input);
                break;
        }
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        _output.WriteLine($"{encoder} '{input}': largest difference {worst:E2}");
        Assert.True(worst <= Tolerance, $"{encoder} '{input}': largest difference {worst:E2} > {Tolerance:E0}");
    }

    private static ImageInput Photo(string name) => ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, name));

    private static string FixturePath() => Path.Combine(RepoPaths.Root, "tests", "fixtures", "embeddings", "demo-models.tsv");
}
