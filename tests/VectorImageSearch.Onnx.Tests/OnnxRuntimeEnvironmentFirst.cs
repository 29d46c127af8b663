using System.Runtime.CompilerServices;
using VectorImageSearch.Onnx.Inference;

namespace VectorImageSearch.Onnx.Tests;

/// <summary>
/// ONNX Runtime allows one environment per process, and only the library's own captures ONNX Runtime's log (the tests
/// of spinning and of missing provider libraries read it). A test that opens an <c>InferenceSession</c> directly
/// (MeanImageTests) would otherwise create ONNX Runtime's default environment whenever it happened to run first, and
/// those tests would fail by test order. So the assembly creates the library's environment as it loads, as an
/// application that uses only the library gets it.
/// </summary>
internal static class OnnxRuntimeEnvironmentFirst
{
    [ModuleInitializer]
    internal static void Create() => _ = OnnxRuntimeEnvironment.Instance;
}
