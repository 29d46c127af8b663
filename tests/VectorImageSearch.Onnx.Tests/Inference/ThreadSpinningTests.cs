using VectorImageSearch.Onnx.Inference;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Inference;

/// <summary>
/// Idle ONNX Runtime workers sleep by default (issue 20: spinning takes CPU from the decoders beside the model). ONNX
/// Runtime's C# API cannot read a session config entry back, but it logs a warning when an entry that already exists is
/// set again, with the old value: the hook below sets the spinning entry once more and the warning shows what
/// <see cref="OnnxRuntimeOptions.AllowThreadSpinning"/> had put there.
/// </summary>
public sealed class ThreadSpinningTests
{
    [Fact]
    public void Spinning_is_off_by_default()
    {
        Assert.False(OnnxRuntimeOptions.Default.AllowThreadSpinning);
        Assert.False(new OnnxRuntimeOptions().AllowThreadSpinning);
    }

    [Theory]
    [InlineData(false, "0")]
    [InlineData(true, null)]
    public void The_setting_reaches_onnx_runtimes_session_config(bool allow, string? expectedEarlierValue)
    {
        var runtime = (allow ? OnnxRuntimeOptions.Default with { AllowThreadSpinning = true } : OnnxRuntimeOptions.Default) with
        {
            ConfigureSessionOptions = static o => o.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"),
        };
        Assert.True(OnnxRuntimeEnvironment.CapturesLog, "the test needs ONNX Runtime's log");
        using var capture = OnnxRuntimeEnvironment.Capture();
        using (var encoder = new ClipImageEncoder(new ClipEncoderOptions { ModelFolder = RepoPaths.ClipTinyShapes, OnnxRuntime = runtime }))
        {
            Assert.Equal(64, encoder.Dimension);
        }
        var overwritten = capture.Lines.Where(l => l.Contains("session.intra_op.allow_spinning", StringComparison.Ordinal)).ToArray();
        if (expectedEarlierValue is null)
        {
            Assert.Empty(overwritten);
        }
        else
        {
            var line = Assert.Single(overwritten);
            Assert.Contains($"already exists with value [{expectedEarlierValue}]", line);
        }
    }
}
