using VectorImageSearch.Onnx.Interop;
using VectorImageSearch.Onnx.Runtime;
using VectorImageSearch.Tests.Shared;

namespace VectorImageSearch.Onnx.Tests.Runtime;

public sealed class OnnxRuntimeBindingTests
{
    /// <summary>y = a + b over [batch, 3] floats, with a symbolic batch axis.</summary>
    internal static byte[] AddModel() => new OnnxModelBuilder()
        .Input("a", OnnxElementType.Float, "batch", 3L)
        .Input("b", OnnxElementType.Float, "batch", 3L)
        .Node("Add", ["a", "b"], ["y"])
        .Output("y", OnnxElementType.Float, "batch", 3L)
        .Build();

    [Fact]
    public void Environment_reports_the_library_version_and_the_cpu_provider()
    {
        var environment = OnnxEnvironment.Instance;
        Assert.Equal("1.30.0", environment.Version);
        Assert.Equal(OrtApi.Instance.Version, environment.Version);
        Assert.Contains("CPUExecutionProvider", environment.AvailableProviders);
        Assert.Same(environment, OnnxEnvironment.Instance);
        Assert.Same(environment, OnnxEnvironment.Initialize(environment.LoggingLevel));
    }

    [Fact]
    public void Environment_refuses_a_second_logging_level()
    {
        var environment = OnnxEnvironment.Instance;
        var other = environment.LoggingLevel == OnnxLoggingLevel.Fatal ? OnnxLoggingLevel.Verbose : OnnxLoggingLevel.Fatal;
        var error = Assert.Throws<InvalidOperationException>(() => OnnxEnvironment.Initialize(other));
        Assert.Contains(environment.LoggingLevel.ToString(), error.Message);
    }

    [Theory]
    [InlineData(OnnxRuntimeErrorCode.InvalidArgument, "bad argument")]
    [InlineData(OnnxRuntimeErrorCode.EngineError, "engine broke: ünïcode")]
    public unsafe void A_status_round_trips_its_code_and_message(OnnxRuntimeErrorCode code, string message)
    {
        var api = OrtApi.Instance;
        var bytes = System.Text.Encoding.UTF8.GetBytes(message + "\0");
        IntPtr status;
        fixed (byte* text = bytes)
        {
            status = api.CreateStatus((int)code, text);
        }
        var error = Assert.Throws<OnnxRuntimeException>(() => api.Check(status));
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.OrtMessage);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Session_from_bytes_reports_names_types_and_symbolic_dimensions()
    {
        using var session = OnnxSession.FromBytes(AddModel(), name: "add.onnx");
        Assert.Equal(["a", "b"], session.Inputs.Select(i => i.Name));
        var output = Assert.Single(session.Outputs);
        Assert.Equal("y", output.Name);
        Assert.True(output.IsTensor);
        Assert.Equal(OnnxElementType.Float, output.ElementType);
        Assert.Equal([-1L, 3L], output.Dimensions);
        Assert.Equal(["batch", ""], output.SymbolicDimensions);
        Assert.Equal("y: Float[batch, 3]", output.ToString());
        Assert.Equal(1, session.GetInputIndex("b"));
        Assert.Equal(-1, session.GetInputIndex("c"));
        Assert.Equal("add.onnx", session.Source);
    }

    [Fact]
    public void Session_from_file_reads_the_demo_models_interfaces()
    {
        using var text = OnnxSession.FromFile(Path.Combine(RepoPaths.ClipTinyShapes, "onnx", "text_model.onnx"));
        var ids = text.Inputs[text.GetInputIndex("input_ids")];
        Assert.Equal(OnnxElementType.Int64, ids.ElementType);
        Assert.Equal([-1L, -1L], ids.Dimensions);
        Assert.All(ids.SymbolicDimensions, s => Assert.NotEqual("", s));
        Assert.True(text.GetInputIndex("attention_mask") >= 0);
        var embeds = text.Outputs[text.GetOutputIndex("text_embeds")];
        Assert.Equal([-1L, 64L], embeds.Dimensions);

        using var resnet = OnnxSession.FromFile(Path.Combine(RepoPaths.ResNetTinyShapes, "model.onnx"));
        var input = Assert.Single(resnet.Inputs);
        Assert.Equal(OnnxElementType.Float, input.ElementType);
        Assert.Equal([-1L, 3L, 224L, 224L], input.Dimensions);
        var pooled = Assert.Single(resnet.Outputs);
        Assert.Equal([-1L, 128L, 1L, 1L], pooled.Dimensions);
    }

    [Fact]
    public void Run_adds_two_pinned_arrays_and_returns_an_ort_allocated_output()
    {
        using var session = OnnxSession.FromBytes(AddModel());
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [10, 20, 30, 40, 50, 60];
        using var ta = OnnxTensor.FromArray(a, 2, 3);
        using var tb = OnnxTensor.FromArray(b, 2, 3);
        var outputs = session.Run([new("a", ta), new("b", tb)], ["y"]);
        using var y = Assert.Single(outputs);
        Assert.Equal([2L, 3L], y.Shape.ToArray());
        Assert.Equal(OnnxElementType.Float, y.ElementType);
        Assert.Equal([11f, 22f, 33f, 44f, 55f, 66f], y.GetData<float>().ToArray());

        // The input tensors view the arrays: a change made after creating them is what the model sees.
        a[0] = 100;
        var again = session.Run([new("a", ta), new("b", tb)], ["y"]);
        using var y2 = again[0];
        Assert.Equal(110f, y2.GetData<float>()[0]);
    }

    [Fact]
    public void Run_writes_a_prebound_output_into_caller_memory()
    {
        using var session = OnnxSession.FromBytes(AddModel());
        using var ta = OnnxTensor.FromArray(new float[] { 1, 1, 1 }, 1, 3);
        using var tb = OnnxTensor.FromArray(new float[] { 2, 3, 4 }, 1, 3);
        var destination = new float[3];
        using var bound = OnnxTensor.FromArray(destination, 1, 3);
        var outputs = new OnnxTensor?[] { bound };
        session.Run([0, 1], [ta, tb], [0], outputs);
        Assert.Same(bound, outputs[0]);
        Assert.Equal([3f, 4f, 5f], destination);
    }

    [Fact]
    public void Run_with_a_wrong_shape_throws_ort_invalid_argument_naming_the_input()
    {
        using var session = OnnxSession.FromBytes(AddModel(), name: "add.onnx");
        using var ta = OnnxTensor.FromArray(new float[4], 1, 4);
        using var tb = OnnxTensor.FromArray(new float[4], 1, 4);
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("a", ta), new("b", tb)], ["y"]));
        Assert.Equal(OnnxRuntimeErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("add.onnx", error.Message);
        Assert.Contains("a", error.OrtMessage);
    }

    [Fact]
    public void Run_with_an_unknown_name_or_wrong_element_type_is_refused()
    {
        using var session = OnnxSession.FromBytes(AddModel());
        using var ta = OnnxTensor.FromArray(new float[3], 1, 3);
        using var longs = OnnxTensor.FromArray(new long[3], 1, 3);
        var unknown = Assert.Throws<ArgumentException>(() => session.Run([new("nope", ta)], ["y"]));
        Assert.Contains("a: Float[batch, 3]", unknown.Message);
        var wrongType = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("a", ta), new("b", longs)], ["y"]));
        Assert.Equal(OnnxRuntimeErrorCode.InvalidArgument, wrongType.ErrorCode);
        Assert.Throws<InvalidOperationException>(() => ta.GetData<long>());
    }

    [Fact]
    public void Tensor_shape_must_match_the_data()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxTensor.FromArray(new float[5], 2, 3));
        Assert.Contains("6 elements", error.Message);
        Assert.Throws<ArgumentException>(() => OnnxTensor.FromArray(new float[0], -1, 0));
    }

    [Fact]
    public void Loading_garbage_or_a_missing_file_throws_with_the_source_named()
    {
        var garbage = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes("not a model"u8, name: "garbage.onnx"));
        Assert.Contains("garbage.onnx", garbage.Message);
        Assert.NotEqual(OnnxRuntimeErrorCode.Ok, garbage.ErrorCode);

        var missing = Path.Combine(Path.GetTempPath(), $"vis-missing-{Guid.NewGuid():N}.onnx");
        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromFile(missing));
        Assert.Equal(OnnxRuntimeErrorCode.NoSuchFile, error.ErrorCode);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Cuda_without_its_provider_library_fails_with_a_message_naming_what_is_missing()
    {
        var options = new OnnxSessionOptions { ExecutionProvider = OnnxExecutionProvider.Cuda };
        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxSession.FromBytes(AddModel(), options));
        Assert.Contains("libonnxruntime_providers_cuda.so", error.Message);
        Assert.Contains("CUDA execution provider", error.Message);
        Assert.NotEqual("", error.OrtMessage);
    }

    [Fact]
    public void Session_options_are_applied_and_give_the_same_results()
    {
        var options = new OnnxSessionOptions
        {
            IntraOpThreads = 1,
            InterOpThreads = 1,
            GraphOptimizationLevel = OnnxGraphOptimizationLevel.None,
            ExecutionMode = OnnxExecutionMode.Parallel,
            EnableCpuMemoryArena = false,
            AllowThreadSpinning = false,
        };
        using var session = OnnxSession.FromBytes(AddModel(), options);
        Assert.Same(options, session.Options);
        using var ta = OnnxTensor.FromArray(new float[] { 1, 2, 3 }, 1, 3);
        using var y = session.Run([new("a", ta), new("b", ta)], ["y"])[0];
        Assert.Equal([2f, 4f, 6f], y.GetData<float>().ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxSession.FromBytes(AddModel(), new OnnxSessionOptions { IntraOpThreads = -1 }));
    }

    [Fact]
    public void Concurrent_runs_on_one_session_each_get_their_own_result()
    {
        using var session = OnnxSession.FromBytes(AddModel());
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var iteration = 0; iteration < 40; iteration++)
            {
                var value = worker * 1000 + iteration;
                using var ta = OnnxTensor.FromArray(new float[] { value, value, value }, 1, 3);
                using var tb = OnnxTensor.FromArray(new float[] { 1, 2, 3 }, 1, 3);
                var result = new float[3];
                using var bound = OnnxTensor.FromArray(result, 1, 3);
                session.Run([0, 1], [ta, tb], [0], new OnnxTensor?[] { bound });
                if (result[0] != value + 1 || result[1] != value + 2 || result[2] != value + 3)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_cancelled_token_stops_the_run_and_a_disposed_session_refuses_to_run()
    {
        var session = OnnxSession.FromBytes(AddModel());
        using var ta = OnnxTensor.FromArray(new float[3], 1, 3);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => session.Run([new("a", ta), new("b", ta)], ["y"], cancelled.Token));

        using var live = new CancellationTokenSource();
        using var ok = session.Run([new("a", ta), new("b", ta)], ["y"], live.Token)[0];
        Assert.Equal(3, ok.ElementCount);

        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run([new("a", ta), new("b", ta)], ["y"]));
    }
    [Fact]
    public void A_non_tensor_output_is_described_and_refused_without_leaking_or_crashing()
    {
        var model = new OnnxModelBuilder()
            .Input("a", OnnxElementType.Float, 3L)
            .Node("SequenceConstruct", ["a", "a"], ["pair"])
            .Node("Identity", ["a"], ["copy"])
            .SequenceOutput("pair", OnnxElementType.Float)
            .Output("copy", OnnxElementType.Float, 3L)
            .Build();
        using var session = OnnxSession.FromBytes(model, name: "sequence.onnx");
        var pair = session.Outputs[0];
        Assert.False(pair.IsTensor);
        Assert.Equal(OnnxElementType.Undefined, pair.ElementType);
        Assert.Equal("pair: (not a tensor)", pair.ToString());
        using var a = OnnxTensor.FromArray(new float[] { 1, 2, 3 }, 3);
        Assert.Throws<OnnxRuntimeException>(() => session.Run([new("a", a)], ["pair", "copy"]));
        using var copy = session.Run([new("a", a)], ["copy"])[0];
        Assert.Equal([1f, 2f, 3f], copy.GetData<float>().ToArray());
    }
}
