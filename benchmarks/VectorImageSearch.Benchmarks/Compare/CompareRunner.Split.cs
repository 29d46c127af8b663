using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using VectorImageSearch.Faiss;
using VectorImageSearch.Onnx.Imaging;
using VectorImageSearch.Onnx;

namespace VectorImageSearch.Benchmarks.Compare;

/// <summary>compare split: where one image's indexing time goes, stage by stage (CompareRunner.cs holds the other subcommands).</summary>
internal static partial class CompareRunner
{
    /// <summary>
    /// The serial cost of each stage of indexing, on one thread, over the same files: read + SHA-256 (change detection),
    /// JPEG decode with shrink-on-load (libvips), resize + crop (PIL-exact resampler), normalisation; then pure model
    /// inference at the batch size over ready tensors (ONNX Runtime's own threads, as in indexing), and adding to the index.
    /// </summary>
    private static void Split(CompareArgs options)
    {
        var folder = options.Required("folder");
        var model = options.Required("model");
        var batch = options.Int("batch", 16);
        var limit = options.Int("count", int.MaxValue);
        var threads = options.Int("inference-threads", 0);
        var files = Directory.EnumerateFiles(folder, "*.jpg").Order(StringComparer.Ordinal).Take(limit).ToArray();
        using var encoder = new ClipImageEncoder(new ClipEncoderOptions
        {
            ModelFolder = model,
            OnnxRuntime = OnnxRuntimeOptions.Default with
            {
                IntraOpThreads = threads,
                AllowThreadSpinning = Spinning(options) ?? OnnxRuntimeOptions.Default.AllowThreadSpinning,
                ConfigureSessionOptions = OrtConfig(options),
            },
        });
        var recipe = encoder.Recipe;
        var length = encoder.PreprocessedLength;
        var tensors = new float[files.Length * length];
        var crop = new byte[recipe.OutputWidth * recipe.OutputHeight * 3];
        double read = 0, hash = 0, decode = 0, resize = 0, normalise = 0;
        var clock = new Stopwatch();
        var margin = ImageDecodeOptions.Default.ShrinkOnLoadMargin;
        for (var i = 0; i < files.Length; i++)
        {
            clock.Restart();
            var bytes = File.ReadAllBytes(files[i]);
            read += clock.Elapsed.TotalSeconds;
            clock.Restart();
            _ = SHA256.HashData(bytes);
            hash += clock.Elapsed.TotalSeconds;
            clock.Restart();
            using var image = VipsDecoder.Decode(ImageInput.FromBytes(bytes, files[i]), ImageDecodeOptions.Default, (int)Math.Ceiling(recipe.ShortestEdge * margin));
            decode += clock.Elapsed.TotalSeconds;
            clock.Restart();
            var (w, h) = (image.SourceWidth, image.SourceHeight);
            var (rw, rh) = w <= h
                ? (recipe.ShortestEdge, (int)((long)recipe.ShortestEdge * h / w))
                : ((int)((long)recipe.ShortestEdge * w / h), recipe.ShortestEdge);
            PilResampler.ResizeCrop(image.Pixels, image.Width, image.Height, image.BoxWidth, image.BoxHeight, rw, rh,
                (rw - recipe.CropWidth) / 2, (rh - recipe.CropHeight) / 2, recipe.CropWidth, recipe.CropHeight, recipe.Resample, crop);
            resize += clock.Elapsed.TotalSeconds;
            clock.Restart();
            ImagePipeline.Normalize(crop, recipe, tensors.AsSpan(i * length, length));
            normalise += clock.Elapsed.TotalSeconds;
        }

        // Pure inference at the batch size: the same tensors, warm session, median of 3 passes over all of them.
        var embeddings = new float[files.Length * encoder.Dimension];
        encoder.EncodePreprocessed(tensors.AsSpan(0, Math.Min(batch, files.Length) * length), Math.Min(batch, files.Length), embeddings);
        var passes = new List<double>();
        for (var pass = 0; pass < 3; pass++)
        {
            clock.Restart();
            for (var start = 0; start < files.Length; start += batch)
            {
                var count = Math.Min(batch, files.Length - start);
                encoder.EncodePreprocessed(tensors.AsSpan(start * length, count * length), count, embeddings.AsSpan(start * encoder.Dimension, count * encoder.Dimension));
            }
            passes.Add(clock.Elapsed.TotalSeconds);
        }
        var inference = Median(passes);

        // Adding to the index the facade builds for this many images (Auto: Flat below the IVF threshold), batch by batch.
        clock.Restart();
        using (var index = FaissIndex.Create(encoder.Dimension, IndexSpec.Auto(files.Length), VectorMetric.InnerProduct, files.Length))
        {
            var training = (int)index.RecommendedTrainingCount(files.Length);
            if (training > 0)
            {
                index.Train(embeddings, training);
            }
            for (var start = 0; start < files.Length; start += batch)
            {
                var count = Math.Min(batch, files.Length - start);
                index.Add(embeddings.AsSpan(start * encoder.Dimension, count * encoder.Dimension));
            }
        }
        var add = clock.Elapsed.TotalSeconds;

        Emit(new Dictionary<string, object>
        {
            ["what"] = "split", ["side"] = "ours", ["images"] = files.Length, ["batch"] = batch,
            ["read_s"] = read, ["hash_s"] = hash, ["decode_s"] = decode, ["resize_crop_s"] = resize, ["normalise_s"] = normalise,
            ["inference_s"] = inference, ["inference_images_per_s"] = files.Length / inference, ["index_add_s"] = add,
            ["intra_op_threads"] = threads == 0 ? "ORT default (one per core)" : threads.ToString(CultureInfo.InvariantCulture),
            ["spinning"] = Spinning(options)?.ToString() ?? "default", ["ort_config"] = options.Text("ort-config", ""), ["cores"] = Environment.ProcessorCount, ["model"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(model)),
        });
    }
}
