// The checks that need an NVIDIA GPU: the library's CUDA path (encoders, concurrency, the facade, speed) against the
// CPU, and the clear failures of TensorRT without its libraries and of a device id that does not exist.
//
//   eng/gpu/run.sh  (on the GPU machine, after eng/gpu/pack.sh here), or directly:
//   VectorImageSearch.GpuCheck [--device 0] [--model <clip folder>] [--images <folder>] [--speed-model <clip folder>]...
//                              [--out <results.md>]
// Exit code: 0 every check passed, 1 a check failed, 2 no CUDA device could be used at all (the message says why).
using System.Text;
using Microsoft.Extensions.Logging;
using VectorImageSearch;
using VectorImageSearch.GpuCheck;

var deviceId = int.Parse(Argument(args, "--device") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
var model = Argument(args, "--model") ?? Path.Combine(AppContext.BaseDirectory, "models", "clip-tiny-shapes");
var imageFolder = Argument(args, "--images") ?? Path.Combine(AppContext.BaseDirectory, "images", "shapes");
var output = Argument(args, "--out");
var speedModels = args.Select((a, i) => (a, i)).Where(p => p.a == "--speed-model" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToArray();

using var logging = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var images = Directory.EnumerateFiles(imageFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(64)
    .Select(ImageInput.FromFile).ToArray();
var checks = new EncoderChecks(model, images, deviceId, logging);
var work = Directory.CreateTempSubdirectory("vis-gpu-check-");

var results = new List<CheckResult>();
try
{
    results.Add(checks.ImagesMatchCpu());
}
catch (ModelLoadException e)
{
    Console.Error.WriteLine($"No usable CUDA device: {e.Message}");
    return 2;
}
Run(checks.TextsMatchCpu);
Run(checks.ConcurrentCallsAgree);
foreach (var speedModel in speedModels)
{
    Run(() => checks.SpeedAndAgreement(speedModel, Path.GetFileName(Path.TrimEndingDirectorySeparator(speedModel)), 32, TimeSpan.FromSeconds(5)));
}
results.Add(await Guard("cuda: facade", () => FacadeCheck.RunAsync(model, imageFolder, deviceId, work.FullName)));
foreach (var speedModel in speedModels)
{
    var label = Path.GetFileName(Path.TrimEndingDirectorySeparator(speedModel));
    results.Add(await Guard($"cuda: facade indexing at {label} cost", () => FacadeCheck.IndexingSpeedAsync(speedModel, label, imageFolder, deviceId, work.FullName)));
}
Run(checks.TensorRtExplainsOrFallsBack);
Run(checks.MissingDeviceIsNamed);

var report = new StringBuilder();
report.AppendLine($"GPU check, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, device {deviceId}, {Environment.ProcessorCount} CPU cores, .NET {Environment.Version}");
report.AppendLine();
report.AppendLine("| check | result | figures |");
report.AppendLine("|---|---|---|");
foreach (var result in results)
{
    report.AppendLine($"| {result.Name} | {(result.Passed ? "pass" : "FAIL")} | {result.Detail.Replace("|", "/")} |");
}
Console.WriteLine(report);
if (output is not null)
{
    File.WriteAllText(output, report.ToString());
}
work.Delete(recursive: true);
return results.All(r => r.Passed) ? 0 : 1;

void Run(Func<CheckResult> check) => results.Add(Guard(check.Method.Name, () => Task.FromResult(check())).GetAwaiter().GetResult());

static async Task<CheckResult> Guard(string name, Func<Task<CheckResult>> check)
{
    try
    {
        return await check();
    }
    catch (Exception e)
    {
        return new CheckResult(name, false, $"{e.GetType().Name}: {e.Message}");
    }
}

static string? Argument(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
