using Microsoft.Extensions.Configuration;

namespace VectorImageSearch;

/// <summary>The configuration section a collection was bound from (keyed by the collection's name): store kinds read their own sub-section of it.</summary>
/// <param name="Section">The section.</param>
internal sealed record ImageSearchConfiguration(IConfiguration Section);
