using VectorImageSearch.DecodeFuzzer;
using VectorImageSearch.Onnx.Imaging;

/// <summary>
/// decode-files mode: runs every file of the folders (each in name order) through the fuzzer's target (DecodeTarget, linked
/// from tests/VectorImageSearch.DecodeFuzzer), one line per file on stdout: "NAME ok", "NAME decode" (refused with an
/// <see cref="ImageDecodeException"/> naming it) or "NAME OTHER TYPE MESSAGE". The replay of the kept fuzzing corpus;
/// a crash ends the process, and the parent knows which file from the lines before.
/// </summary>
internal static class DecodeFiles
{
    /// <summary>Runs the files of <paramref name="folders"/>.</summary>
    public static int Run(IEnumerable<string> folders)
    {
        var destination = new float[PreprocessRecipe.Clip224.TensorLength];
        foreach (var file in folders.SelectMany(f => Directory.GetFiles(f).Order(StringComparer.Ordinal)))
        {
            var name = Path.GetFileName(file);
            Console.Out.WriteLine($"{name} start");
            Console.Out.Flush();
            string line;
            try
            {
                line = DecodeTarget.Run(File.ReadAllBytes(file), name, destination) ? "ok" : "decode";
            }
            catch (Exception e)
            {
                line = $"OTHER {e.GetType().FullName} {e.Message.ReplaceLineEndings(" ")}";
            }
            Console.Out.WriteLine($"{name} {line}");
            Console.Out.Flush();
        }
        return 0;
    }
}
