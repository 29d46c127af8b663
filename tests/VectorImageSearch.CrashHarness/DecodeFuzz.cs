using System.Globalization;
using NetVips;
using VectorImageSearch;
using VectorImageSearch.Onnx.Imaging;

/// <summary>
/// decode-fuzz mode: feeds seeded mutations of seed images (made here from one PNG, in every supported format and a few
/// odd variants) through <see cref="ImagePipeline.Preprocess"/>, one line per input on stdout: "N ok", "N decode
/// MESSAGE" for an <see cref="ImageDecodeException"/> naming the input, or "N OTHER TYPE MESSAGE" for anything else.
/// A crash ends the process; the parent knows which input from the last line. Input N is the same on every run.
/// </summary>
internal static class DecodeFuzz
{
    /// <summary>Runs <paramref name="count"/> inputs from <paramref name="first"/> on; the seeds come from <paramref name="sourcePng"/>.</summary>
    public static int Run(string sourcePng, int first, int count)
    {
        var seeds = MakeSeeds(sourcePng);
        Console.Error.WriteLine($"seeds: {string.Join(", ", seeds.Select(s => $"{s.Name} ({s.Bytes.Length} B)"))}");
        var destination = new float[PreprocessRecipe.Clip224.TensorLength];
        for (var n = first; n < first + count; n++)
        {
            var (name, bytes) = Mutate(seeds, n);
            string line;
            try
            {
                ImagePipeline.Preprocess(ImageInput.FromBytes(bytes, name), PreprocessRecipe.Clip224, destination);
                line = "ok";
            }
            catch (ImageDecodeException e) when (e.InputName == name && e.Message.Contains(name, StringComparison.Ordinal))
            {
                line = "decode " + OneLine(e.Message);
            }
            catch (Exception e)
            {
                line = $"OTHER {e.GetType().FullName} {OneLine(e.Message)}";
            }
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} {line}"));
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>Input <paramref name="n"/>: a seed, changed by 1 to 8 mutations drawn from a generator seeded with n.</summary>
    public static (string Name, byte[] Bytes) Mutate(IReadOnlyList<(string Name, byte[] Bytes)> seeds, int n)
    {
        var random = new Random(n);
        var seed = seeds[n % seeds.Count];
        var bytes = new List<byte>(seed.Bytes);
        var mutations = random.Next(1, 9);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(random.Next(4) == 0 ? Math.Min(bytes.Count, 64) : bytes.Count); // the header often
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)(random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 });
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 3:
                    var length = Math.Min(random.Next(1, 256), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length)); // duplicate a chunk
                    break;
                case 4:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
                case 5:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
                default:
                    // A 16- or 32-bit field (a width, a length) set to an extreme.
                    var value = random.Next(3) switch { 0 => 0xFFFFFFFFu, 1 => 0x7FFFFFFFu, _ => 0x00010000u };
                    for (var b = 0; b < 4 && at + b < bytes.Count; b++)
                    {
                        bytes[at + b] = (byte)(value >> (8 * b));
                    }
                    break;
            }
        }
        return ($"fuzz-{n:D6}-{seed.Name}", bytes.ToArray());
    }

    private static List<(string Name, byte[] Bytes)> MakeSeeds(string sourcePng)
    {
        using var source = Image.NewFromFile(sourcePng).Flatten();
        using var small = source.Resize(64.0 / Math.Max(source.Width, source.Height)).CopyMemory();
        using var wide = small.Linear([257.0], [0.0]).Cast(Enums.BandFormat.Ushort);
        using var grey = small.Colourspace(Enums.Interpretation.Bw);
        var seeds = new List<(string, byte[])>
        {
            ("seed.jpg", small.WriteToBuffer(".jpg[Q=80]")),
            ("progressive.jpg", small.WriteToBuffer(".jpg[interlace]")),
            ("seed.png", small.WriteToBuffer(".png")),
            ("palette.png", small.WriteToBuffer(".png[palette]")),
            ("sixteen-bit.png", wide.Copy(interpretation: Enums.Interpretation.Rgb16).WriteToBuffer(".png")),
            ("grey.png", grey.WriteToBuffer(".png")),
            ("seed.webp", small.WriteToBuffer(".webp")),
            ("lossless.webp", small.WriteToBuffer(".webp[lossless]")),
            ("seed.gif", small.WriteToBuffer(".gif")),
            ("seed.tif", small.WriteToBuffer(".tif")),
            ("deflate.tif", small.WriteToBuffer(".tif[compression=deflate]")),
        };
        // EXIF-rotated: the same JPEG with orientation 6.
        using (var rotated = small.Mutate(m => m.Set(GValue.GIntType, "orientation", 6)))
        {
            seeds.Add(("exif-rotated.jpg", rotated.WriteToBuffer(".jpg")));
        }
        foreach (var (name, suffix) in new[] { ("seed.avif", ".avif"), ("seed.heic", ".heic") })
        {
            try
            {
                seeds.Add((name, small.WriteToBuffer(suffix)));
            }
            catch (VipsException e)
            {
                Console.Error.WriteLine($"no {suffix} seed: this libvips cannot write it ({e.Message.Split('\n')[0]})");
            }
        }
        return seeds;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
