namespace VectorImageSearch.Onnx.Encoders;

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
}
