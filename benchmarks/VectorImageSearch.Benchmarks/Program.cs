using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using VectorImageSearch.Benchmarks.Compare;

// Runs the benchmarks chosen on the command line, for example:
//   dotnet run -c Release --project benchmarks/VectorImageSearch.Benchmarks -- --filter '*Faiss*'
// or, with "compare" first, our side of a side-by-side comparison (benchmarks/compare/run.sh drives them).
if (args.Length > 0 && args[0] == "compare")
{
    return CompareRunner.Run(args[1..]);
}
// BenchmarkDotNet builds a generated project per run; its default 2-minute build timeout is too short on a busy 2-core machine.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15)));
return 0;
