// vis: index a folder of images and search it by text or by image, from the command line.
//   vis index <folder> --model <clip dir> --index <path> [--spec "IVF1024,Flat"]
//   vis search "a dog on the beach" --index <path> [-k 10] [--json] [--html out.html]
//   vis search --image query.jpg --index <path>
//   vis search "a red shape" --not "circle" --folder <dir> --min-score 0.2 --dedup --index <path>
//   vis duplicates --index <path> [--threshold 0.99] [--json] [--html groups.html]
//   vis info --index <path>
using System.CommandLine;
using VectorImageSearch.Samples.Cli;

var verbose = new Option<bool>("--verbose", "-v") { Description = "Log what the library does.", Recursive = true };
var root = new RootCommand("VectorImageSearch: find images by meaning.")
{
    IndexCommand.Create(verbose),
    SearchCommand.Create(verbose),
    InfoCommand.Create(),
    DuplicatesCommand.Create(verbose),
};
root.Options.Add(verbose);
// Ctrl+C cancels the command's token; give it time to finish the batch and save before the process is ended.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
return await root.Parse(args).InvokeAsync(invocation);
