namespace VectorImageSearch.Onnx.Text;

/// <summary>What a pre-token is.</summary>
internal enum PreTokenKind
{
    /// <summary>A piece to encode with BPE.</summary>
    Word,

    /// <summary>The literal "&lt;|startoftext|&gt;".</summary>
    StartOfText,

    /// <summary>The literal "&lt;|endoftext|&gt;".</summary>
    EndOfText,
}
