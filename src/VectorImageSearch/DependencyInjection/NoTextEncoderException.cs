namespace VectorImageSearch;

/// <summary>The configured model has no text tower: resolving <see cref="ITextEncoder"/> fails, and the engine runs image-only.</summary>
/// <param name="message">What is configured and what to configure instead.</param>
internal sealed class NoTextEncoderException(string message) : InvalidOperationException(message);
