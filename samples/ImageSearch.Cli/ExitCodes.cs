namespace VectorImageSearch.Samples.Cli;

/// <summary>What the tool's exit status means.</summary>
internal static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;

    /// <summary>The command line was wrong (System.CommandLine's own code for parse errors).</summary>
    public const int Usage = 1;

    /// <summary>A model, an index or an input could not be used; the message says which and why.</summary>
    public const int Error = 2;

    /// <summary>Indexing finished, but some files could not be indexed (they are listed).</summary>
    public const int SomeFilesFailed = 3;

    /// <summary>Cancelled with Ctrl+C; what was committed was saved.</summary>
    public const int Cancelled = 130;
}
