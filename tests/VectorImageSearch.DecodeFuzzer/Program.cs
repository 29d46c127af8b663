// Usage: VectorImageSearch.DecodeFuzzer                       AFL target: runs under afl-fuzz (eng/fuzz/run.sh)
//        VectorImageSearch.DecodeFuzzer seeds <photos> <out>   writes the seed corpus made from the PNG/JPEG photos
//        VectorImageSearch.DecodeFuzzer run <file>...          runs files through the target, one line each
using SharpFuzz;
using VectorImageSearch.DecodeFuzzer;
using VectorImageSearch.Onnx.Imaging;

// No instrumented code (our assemblies, NetVips) may run before Fuzzer.OutOfProcess.Run: AFL's coverage map is not
// attached until then, and instrumented code that runs earlier writes to an unmapped address.
float[]? destination = null;
switch (args)
{
    case []:
        // Out of process: SharpFuzz runs the target in a child and restarts it after a crash, so that a native crash
        // in libvips is reported as a crash of that input instead of ending the fuzzing session.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            destination ??= new float[PreprocessRecipe.Clip224.TensorLength];
            DecodeTarget.Run(memory.ToArray(), "afl-input", destination);
        });
        return 0;
    case ["seeds", var photos, var output]:
        return Seeds.Write(photos, output);
    case ["run", .. var files] when files.Length > 0:
        destination = new float[PreprocessRecipe.Clip224.TensorLength];
        foreach (var file in files)
        {
            var decoded = DecodeTarget.Run(File.ReadAllBytes(file), Path.GetFileName(file), destination);
            Console.WriteLine($"{Path.GetFileName(file)} {(decoded ? "ok" : "refused")}");
        }
        return 0;
    default:
        Console.Error.WriteLine("usage: VectorImageSearch.DecodeFuzzer [seeds <photos folder> <output folder> | run <file>...]");
        return 2;
}
