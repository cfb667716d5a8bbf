using System.Diagnostics;
using System.Net;
using System.Text;

namespace Latchkey.Testing;

/// <summary>
/// The built server (<c>src/Latchkey.Server/bin/&lt;Configuration&gt;/net10.0/Latchkey.Server.dll</c>) run as
/// its own OS process with <c>dotnet</c> on a free port of 127.0.0.1. Disposing kills it, then scans
/// what it wrote to stdout and stderr for the secrets its clients saw (<see cref="Secrets"/>) and throws
/// <see cref="SecretInLogException"/> on a find. Several of them given the same connection strings form a cluster.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the process listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The secrets its clients sent and received; its output is scanned for them at disposal.</summary>
    public SecretWatch Secrets { get; } = new();

    /// <summary>A client for this process that tells <see cref="Secrets"/> what it sends and receives.</summary>
    public LatchkeyTestClient CreateClient() => new(BaseAddress, Secrets);

    /// <summary>What the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The server assembly built next to this test assembly, for the same configuration.</summary>
    public static string ServerDllPath()
    {
        // The test assembly sits in test/<project>/bin/<Configuration>/<tfm>/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent?.Name ?? throw new InvalidOperationException($"Unexpected test output folder {testOutput.FullName}.");

        return Path.Combine(RepositoryFolder.Root(), "src", "Latchkey.Server", "bin", configuration, framework, "Latchkey.Server.dll");
    }

    /// <summary>Starts the server process on a free port and waits until <c>/healthz</c> answers 200.</summary>
    /// <param name="dataDirectory">The data directory, also the working directory of the process.</param>
    /// <param name="extraArguments">More command-line switches, e.g. <c>--ConnectionStrings:Latchkey=...</c>; later ones win.</param>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        ArgumentNullException.ThrowIfNull(extraArguments);
        var dll = ServerDllPath();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The server build output is missing at {dll}; build the solution (the test project references the server) before running this test.", dll);
        }

        var port = ExternalProcess.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var arg in (string[])[
            dll,
            "--urls", $"http://127.0.0.1:{port}",
            $"--Latchkey:DataDirectory={dataDirectory}",
            "--Latchkey:Passwords:MemorySizeKiB=1024",
            "--Latchkey:Passwords:Iterations=1",
            "--Logging:LogLevel:Default=Warning",

            // Every test comes from 127.0.0.1; a test of the sign-up rate passes its own limit, which comes later and wins.
            "--Latchkey:Throttling:SignUpsPerAddress=1000000",

            // Latchkey's own events, the audit trail among them, reach the output that is scanned for secrets.
            "--Logging:LogLevel:Latchkey=Information",
            .. extraArguments,
        ])
        {
            start.ArgumentList.Add(arg);
        }

        return await StartAsync(start, baseAddress);
    }

    /// <summary>
    /// Starts the process that <paramref name="start"/> describes (the server run some other way, e.g. from a
    /// published folder with its settings in the environment) and waits until <c>/healthz</c> answers 200 at
    /// <paramref name="baseAddress"/>; its output is captured and scanned like that of any other server process.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(ProcessStartInfo start, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // A test run that ends without disposing (a crash, a cancelled run) must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += server.KillOnExit;
        try
        {
            await server.WaitUntilHealthyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs the server assembly as a command (for example <c>keys rotate</c>) to completion and returns its
    /// exit code and output; it is killed if it runs longer than a minute.
    /// </summary>
    public static Task<(int ExitCode, string Output)> RunCommandAsync(params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(DotnetHost());
        start.ArgumentList.Add(ServerDllPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return ExternalProcess.RunToCompletionAsync(start, TimeSpan.FromSeconds(60));
    }

    /// <summary>Whether the process has exited (killed, or crashed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Kills the process (no graceful shutdown) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }

        var scan = Secrets.Scan(Output, "the server process's output");
        Console.WriteLine(scan.Summary);
        scan.ThrowIfLeaked();
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before answering /healthz. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not answer /healthz within {StartTimeout}. Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The <c>dotnet</c> host: the SDK tells child processes which one runs them; else the one on PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
