using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx.Encoders;

/// <summary>How <see cref="ImageEmbeddingModel"/> chooses the model's pixel input, its embedding output and the pooling, checking each once at load.</summary>
internal sealed partial class ImageEmbeddingModel
{
    private int SelectInput(ImageModelSelection selection)
    {
        int index;
        if (selection.InputName is { } name)
        {
            index = _session.GetInputIndex(name);
            if (index < 0)
            {
                throw new ModelLoadException(ModelFile, $"the model has no input '{name}'; its inputs are {ModelSession.Describe(_session.Inputs)}.");
            }
        }
        else
        {
            index = _session.GetInputIndex("pixel_values");
            if (index < 0)
            {
                var candidates = Enumerable.Range(0, _session.Inputs.Count)
                    .Where(i => _session.Inputs[i].IsFloating && _session.Inputs[i].Rank == 4)
                    .ToList();
                if (candidates.Count != 1)
                {
                    throw new ModelLoadException(ModelFile,
                        $"the {selection.Purpose} needs one [N, 3, H, W] float or float16 image input (or one named pixel_values), but the model's inputs are {ModelSession.Describe(_session.Inputs)}.");
                }
                index = candidates[0];
            }
        }
        var info = _session.Inputs[index];
        var fits = info.IsFloating && info.Rank == 4
            && info.Dimensions[1] is -1 or 3
            && (info.Dimensions[2] == -1 || info.Dimensions[2] == Recipe.OutputHeight)
            && (info.Dimensions[3] == -1 || info.Dimensions[3] == Recipe.OutputWidth);
        if (!fits)
        {
            throw new ModelLoadException(ModelFile,
                $"input '{info}' does not take the [N, 3, {Recipe.OutputHeight}, {Recipe.OutputWidth}] float images the {selection.Purpose} feeds " +
                $"(preprocessing recipe {Recipe.ProcessorType}, {Recipe.OutputWidth}×{Recipe.OutputHeight}).");
        }
        return index;
    }

    private int SelectOutput(ImageModelSelection selection)
    {
        var outputs = _session.Outputs;
        if (selection.OutputName is { } name)
        {
            var index = _session.GetOutputIndex(name);
            return index >= 0 ? index
                : throw new ModelLoadException(ModelFile, $"the model has no output '{name}'; its outputs are {ModelSession.Describe(outputs)}.");
        }
        foreach (var preferred in selection.PreferredOutputs)
        {
            var index = _session.GetOutputIndex(preferred);
            if (index >= 0)
            {
                return index;
            }
        }
        foreach (var rank in selection.RankPreference)
        {
            var matches = Enumerable.Range(0, outputs.Count)
                .Where(i => outputs[i].IsFloating && outputs[i].Rank == rank)
                .OrderBy(i => outputs[i].Name.Contains("pool", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ToList();
            if (matches.Count > 0)
            {
                return matches[0];
            }
        }
        var wanted = string.Join(" or ", selection.PreferredOutputs.Select(n => $"'{n}'").Concat(selection.RankPreference.Select(RankShape)));
        throw new ModelLoadException(ModelFile,
            $"the model has no output the {selection.Purpose} can use (it needs {wanted}); its outputs are {ModelSession.Describe(outputs)}.");
    }

    private EmbeddingPooling ResolvePooling(ModelTensorInfo output, ImageModelSelection selection)
    {
        if (!output.IsFloating)
        {
            throw new ModelLoadException(ModelFile, $"output '{output}' is not a float tensor, so it is not an embedding the {selection.Purpose} can use.");
        }
        var pooling = selection.Pooling;
        if (pooling == EmbeddingPooling.Auto)
        {
            pooling = output.Rank switch
            {
                2 => EmbeddingPooling.None,
                3 => EmbeddingPooling.ClsToken,
                4 => EmbeddingPooling.GlobalAverage,
                _ => EmbeddingPooling.Auto,
            };
        }
        var rankFits = pooling switch
        {
            EmbeddingPooling.None => output.Rank == 2,
            EmbeddingPooling.GlobalAverage => output.Rank == 4,
            EmbeddingPooling.ClsToken or EmbeddingPooling.MeanTokens => output.Rank == 3,
            _ => false,
        };
        if (!rankFits)
        {
            var needed = selection.Pooling == EmbeddingPooling.Auto ? "[N, D], [N, C, H, W] or [N, T, D]" : RankShape(PoolingRank(selection.Pooling));
            throw new ModelLoadException(ModelFile,
                $"output '{output}' is {output.Rank}-D, not an embedding per image: the {selection.Purpose} needs a {needed} float output" +
                (selection.Pooling == EmbeddingPooling.Auto ? "." : $" for {selection.Pooling} pooling."));
        }
        if (output.FixedBatch > 0 && output.FixedBatch != _fixedBatch)
        {
            throw new ModelLoadException(ModelFile,
                $"output '{output}' has a fixed batch of {output.FixedBatch} but input '{Input}' does not take batches of that size, so the {selection.Purpose} cannot match images to embeddings.");
        }
        return pooling;
    }

    private static int PoolingRank(EmbeddingPooling pooling) => pooling switch
    {
        EmbeddingPooling.None => 2,
        EmbeddingPooling.GlobalAverage => 4,
        _ => 3,
    };

    private static string RankShape(int rank) => rank switch
    {
        2 => "[N, D]",
        3 => "[N, T, D]",
        4 => "[N, C, H, W]",
        _ => $"rank-{rank}",
    };
}
