namespace VectorImageSearch.Onnx;

/// <summary>The kind of image backbone an <see cref="OnnxImageEncoder"/> runs; it picks the default recipe and output.</summary>
public enum ImageEncoderPreset
{
    /// <summary>
    /// A headless ResNet50-style CNN: torchvision's ImageNet recipe (resize 256 bilinear, centre crop 224, ImageNet
    /// mean and std) unless the folder has a <c>preprocessor_config.json</c>; pooled features from a [N, C, H, W],
    /// [N, C, 1, 1] or [N, C] output.
    /// </summary>
    ResNet50 = 0,

    /// <summary>
    /// A ViT or DINO-style transformer: the folder's <c>preprocessor_config.json</c>, else resize 256 bicubic, centre
    /// crop 224, ImageNet mean and std; a [N, T, D] output pooled to its CLS token (or the token mean, see
    /// <see cref="EmbeddingPooling"/>), or a [N, D] output as is.
    /// </summary>
    VisionTransformer = 1,

    /// <summary>
    /// One of ML.NET's <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> / <c>ResNet50</c> / <c>ResNet101</c> CNTK exports
    /// (for example <c>ResNet18.onnx</c>: input <c>Input247</c> [1, 3, 224, 224], output <c>Pooling395_Output_0</c>
    /// [1, 512, 1, 1]): shortest edge to 224 and centre crop 224 × 224 (PIL bilinear), BGR, values 0–255 minus the mean image that
    /// the package's <c>ResNetPreprocess.onnx</c> holds, found beside the model or in <c>../ResNetPrepOnnx/</c> (the
    /// package's layout); pooled features as <see cref="ResNet50"/>.
    /// </summary>
    MlNetResNet = 2,
}
