namespace VectorImageSearch.Onnx.Imaging;

/// <summary>Where a recipe's resize and centre crop put an image of a given size.</summary>
/// <param name="ResizedWidth">Width after the resize.</param>
/// <param name="ResizedHeight">Height after the resize.</param>
/// <param name="CropX">Left edge of the crop in the resized image.</param>
/// <param name="CropY">Top edge of the crop in the resized image.</param>
/// <param name="CropWidth">Crop width (the model input width).</param>
/// <param name="CropHeight">Crop height (the model input height).</param>
internal readonly record struct ResizePlan(int ResizedWidth, int ResizedHeight, int CropX, int CropY, int CropWidth, int CropHeight)
{
    /// <summary>The plan of <paramref name="recipe"/> for a <paramref name="width"/> × <paramref name="height"/> image (after orientation).</summary>
    public static ResizePlan For(PreprocessRecipe recipe, int width, int height)
    {
        int resizedWidth, resizedHeight;
        if (recipe.ShortestEdge > 0)
        {
            // Hugging Face / torchvision: the short edge becomes the target, the long edge int(target * long / short).
            if (width <= height)
            {
                resizedWidth = recipe.ShortestEdge;
                resizedHeight = (int)((long)recipe.ShortestEdge * height / width);
            }
            else
            {
                resizedHeight = recipe.ShortestEdge;
                resizedWidth = (int)((long)recipe.ShortestEdge * width / height);
            }
        }
        else
        {
            resizedWidth = recipe.ResizeWidth;
            resizedHeight = recipe.ResizeHeight;
        }

        if (recipe.CropWidth <= 0)
        {
            return new ResizePlan(resizedWidth, resizedHeight, 0, 0, resizedWidth, resizedHeight);
        }
        return new ResizePlan(
            resizedWidth, resizedHeight,
            Offset(resizedWidth - recipe.CropWidth, recipe.CropRounding), Offset(resizedHeight - recipe.CropHeight, recipe.CropRounding),
            recipe.CropWidth, recipe.CropHeight);
    }

    private static int Offset(int excess, CropOffsetRounding rounding) =>
        rounding == CropOffsetRounding.HalfToEven ? (int)Math.Round(excess / 2.0, MidpointRounding.ToEven) : excess / 2;
}
