using System.Globalization;
using System.Text;
using VectorImageSearch.Onnx.Encoders;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Encoders;

public sealed class BaselineRecorder
{
    [Fact]
    public void Record()
    {
        string[] photos = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg"];
        string[] texts = ["a red circle", "a blue square", "a green triangle", "", "a photo of a cat"];
        var sb = new StringBuilder();
        using var clipImage = new ClipImageEncoder(RepoPaths.ClipTinyShapes);
        using var clipText = new ClipTextEncoder(RepoPaths.ClipTinyShapes);
        using var resnet = new OnnxImageEncoder(RepoPaths.ResNetTinyShapes);
        foreach (var photo in photos)
        {
            var input = ImageInput.FromFile(Path.Combine(RepoPaths.PreprocessFixture, photo));
            sb.AppendLine($"clip-image\t{photo}\t{Join(clipImage.Encode(input))}");
            sb.AppendLine($"resnet-image\t{photo}\t{Join(resnet.Encode(input))}");
        }
        foreach (var text in texts)
        {
            sb.AppendLine($"clip-text\t{text}\t{Join(clipText.Encode(text))}");
        }
        File.WriteAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "embeddings", "demo-models.tsv"), sb.ToString());
    }

    private static string Join(float[] v) => string.Join(" ", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
}
