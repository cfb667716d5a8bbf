using System.Diagnostics;
using System.Net.Sockets;

namespace Latchkey.Testing;

/// <summary>
/// A throwaway Redis server: <c>redis-server</c> on a free port of 127.0.0.1 with its data (AOF on) in
/// a temporary folder, killed when disposed or when the process exits.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    /// <summary>The data folder.</summary>
    public string Directory { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    /// <summary>Starts a new server.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "latchkey-redis", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var server = new RedisServer(directory, ExternalProcess.FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Stops the server abruptly (like a crash); AOF data stays on disk.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server (again) on the same port and data folder.</summary>
    public async Task RestartAsync()
    {
        var redis = ExternalProcess.Find("redis-server", "redis-server");
        var start = new ProcessStartInfo(redis)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", Directory, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "yes"])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        };

        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on port {Port}.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
