using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>
/// A host that runs Latchkey's bearer handler: the Latchkey server itself or a resource server. The shared
/// behaviour cases (<see cref="BearerHandlerBehaviourTests"/>) talk to either through this.
/// </summary>
public abstract class BearerHost : IAsyncDisposable
{
    /// <summary>A path that requires an authenticated caller.</summary>
    public abstract string ProtectedPath { get; }

    /// <summary>Every result of the bearer scheme's authentication run by the probe.</summary>
    public abstract BearerProbe Probe { get; }

    protected abstract HttpClient Http { get; }

    /// <summary>GETs <paramref name="path"/> with the given Authorization header values (none, one or several).</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, params string[] authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Runs the bearer scheme on a request with <paramref name="authorization"/> and returns its verdict.</summary>
    public async Task<BearerProbe.ProbeAnswer> ProbeAsync(params string[] authorization)
    {
        using var response = await GetAsync(BearerProbe.Path.TrimStart('/'), authorization);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<BearerProbe.ProbeAnswer>())!;
    }

    /// <summary>
    /// Sends <c>GET <paramref name="path"/></c> over a plain socket with one <c>Authorization</c> line per value,
    /// which HttpClient cannot do (it folds them into one line), and reads the whole answer.
    /// </summary>
    public async Task<RawResponse> SendRawAsync(string path, params string[] authorization)
    {
        var address = Http.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n");
        foreach (var value in authorization)
        {
            request.Append(CultureInfo.InvariantCulture, $"Authorization: {value}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var status = int.Parse(head.Split(' ', 3)[1], CultureInfo.InvariantCulture);
        return new RawResponse(status, head, split < 0 ? string.Empty : text[(split + 4)..]);
    }

    /// <summary>The bearer credential for <paramref name="token"/>.</summary>
    public static string Bearer(string token) => new AuthenticationHeaderValue("Bearer", token).ToString();

    public abstract ValueTask DisposeAsync();

    /// <summary>An answer read off the socket: status, header block, body (chunked framing left in).</summary>
    public sealed record RawResponse(int Status, string Head, string Body);
}
