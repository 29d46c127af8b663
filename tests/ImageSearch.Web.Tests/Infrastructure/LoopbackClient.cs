using System.Net;
using System.Net.Sockets;

namespace VectorImageSearch.Samples.Web.Tests.Infrastructure;

/// <summary>
/// HTTP clients that connect from a chosen loopback address (127.0.0.2, 127.0.0.3 …; Linux routes all of 127/8 to
/// the loopback device), so the server sees distinct clients — as its per-client rate limit needs.
/// </summary>
internal static class LoopbackClient
{
    /// <summary>A client whose connections come from 127.0.0.<paramref name="lastByte"/>.</summary>
    public static HttpClient Create(Uri baseAddress, int lastByte)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lastByte, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastByte, 254);
        var local = new IPAddress([127, 0, 0, (byte)lastByte]);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }
}
