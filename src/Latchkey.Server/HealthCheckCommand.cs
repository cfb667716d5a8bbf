namespace Latchkey.Server;

/// <summary>
/// <c>healthcheck [--url &lt;url&gt;]</c>: asks a running server's <c>/healthz</c> and exits 0 when it answers 200, else 1,
/// for a container's <c>HEALTHCHECK</c> (the runtime image has no curl or wget). It builds no host and reads no
/// configuration, store or secret, so it costs a process start and one request.
/// </summary>
internal static class HealthCheckCommand
{
    /// <summary>How long the request may take; a container engine's own timeout should be longer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs the check; <paramref name="args"/> are what follows <c>healthcheck</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (Target(args) is not { } url)
        {
            await Console.Error.WriteLineAsync(
                "healthcheck: no address to check. Pass --url http://127.0.0.1:8080/healthz, or set ASPNETCORE_HTTP_PORTS or ASPNETCORE_URLS as for the server.");
            return 1;
        }

        // A proxy from the environment must not stand between the check and the process beside it.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            if (response.IsSuccessStatusCode)
            {
                await Console.Out.WriteLineAsync($"healthy: {url} answered {(int)response.StatusCode}.");
                return 0;
            }

            await Console.Error.WriteLineAsync($"unhealthy: {url} answered {(int)response.StatusCode}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"unhealthy: {url}: {ex.Message}");
        }

        return 1;
    }

    /// <summary>
    /// The URL to ask: <c>--url</c>, else <c>/healthz</c> on loopback at the server's first address, which the same
    /// environment gives it (<c>ASPNETCORE_URLS</c> wins over <c>ASPNETCORE_HTTP_PORTS</c>, as in the server).
    /// </summary>
    internal static Uri? Target(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--url=", StringComparison.Ordinal))
            {
                return new Uri(args[i]["--url=".Length..]);
            }

            if (args[i] == "--url" && i + 1 < args.Length)
            {
                return new Uri(args[i + 1]);
            }
        }

        if (First(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")) is { } address)
        {
            // A wildcard host (http://+:8080, http://*:8080, http://0.0.0.0:8080, http://[::]:8080) listens on loopback too.
            var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            builder.Host = builder.Host switch
            {
                "localhost" or "0.0.0.0" => "127.0.0.1",
                "[::]" => "[::1]",
                var host => host,
            };
            builder.Path = "/healthz";
            return builder.Uri;
        }

        return First(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")) is { } port && int.TryParse(port, out var number)
            ? new Uri($"http://127.0.0.1:{number}/healthz")
            : null;
    }

    // ASP.NET Core separates addresses and ports with ';' (and accepts ',').
    private static string? First(string? list) =>
        list?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
