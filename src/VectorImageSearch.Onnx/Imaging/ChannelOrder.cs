namespace VectorImageSearch.Onnx.Imaging;

/// <summary>The order of the three colour planes in a model's input tensor.</summary>
internal enum ChannelOrder
{
    /// <summary>Red, green, blue: PyTorch, Hugging Face and CLIP models.</summary>
    Rgb = 0,

    /// <summary>Blue, green, red: Caffe and CNTK models (OpenCV's order), such as ML.NET's ImageNet featurizers.</summary>
    Bgr = 1,
}
