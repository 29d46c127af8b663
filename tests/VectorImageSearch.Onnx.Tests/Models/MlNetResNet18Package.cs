using System.Reflection;

namespace VectorImageSearch.Onnx.Tests.Models;

/// <summary>The files of NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, downloaded by restore.</summary>
internal static class MlNetResNet18Package
{
    private static readonly Lazy<string> FolderValue = new(() =>
        typeof(MlNetResNet18Package).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "MlNetResNet18Folder").Value!);

    /// <summary>The real ImageNet ResNet18 (CNTK export): input Input247 [1, 3, 224, 224], output [1, 512, 1, 1].</summary>
    public static string Model => Existing(Path.Combine(FolderValue.Value, "ResNet18Onnx", "ResNet18.onnx"));

    /// <summary>The preprocessing graph: RGB → BGR, minus the initializer MeanImage [1, 3, 224, 224].</summary>
    public static string Preprocess => Existing(Path.Combine(FolderValue.Value, "ResNetPrepOnnx", "ResNetPreprocess.onnx"));

    private static string Existing(string path)
    {
        Assert.True(File.Exists(path), $"{path} should have been downloaded by restore (PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1)");
        return path;
    }
}
