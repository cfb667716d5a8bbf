using Latchkey.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Latchkey.Testing;

/// <summary>
/// The real Latchkey server (the same <see cref="LatchkeyServer.Build"/> that <c>Program</c> runs) on
/// Kestrel at 127.0.0.1 with a free port, reached over real HTTP(S).
/// </summary>
public sealed class LatchkeyTestServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private LatchkeyTestServer(WebApplication app, Uri baseAddress, string dataDirectory, bool ownsDirectory)
    {
        App = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>The running application; its <c>Services</c> reach the real singletons.</summary>
    public WebApplication App { get; }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The origin of <see cref="BaseAddress"/>, as a browser would send it.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>The data directory in use.</summary>
    public string DataDirectory { get; }

    /// <summary>Starts a server.</summary>
    public static async Task<LatchkeyTestServer> StartAsync(TestServerOptions? options = null)
    {
        options ??= new TestServerOptions();
        var ownsDirectory = options.DataDirectory is null;
        var dataDirectory = options.DataDirectory ?? NewDataDirectory();
        var scheme = options.Https ? "https" : "http";
        var args = new List<string>
        {
            "--urls", $"{scheme}://127.0.0.1:0",
            $"--Latchkey:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
        };
        if (options.FastPasswordHashing)
        {
            args.Add("--Latchkey:Passwords:MemorySizeKiB=1024");
            args.Add("--Latchkey:Passwords:Iterations=1");
        }

        foreach (var (key, value) in options.Settings)
        {
            args.Add($"--{key}={value}");
        }

        var app = LatchkeyServer.Build([.. args], builder =>
        {
            if (options.Https)
            {
                builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = TestCertificate.Instance));
            }

            if (options.Time is not null)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(options.Time));
            }

            if (options.LogSink is not null)
            {
                builder.Logging.AddProvider(new SinkLoggerProvider(options.LogSink));
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Logging.AddFilter((_, _) => true);
            }
        });

        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A server that fails to start (for example on invalid settings) must not leak its host.
            await app.DisposeAsync();
            if (ownsDirectory)
            {
                TryDeleteDirectory(dataDirectory);
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LatchkeyTestServer(app, new Uri(address + "/"), dataDirectory, ownsDirectory);
    }

    /// <summary>A fresh empty directory under the system's temporary folder.</summary>
    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "latchkey-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A client for this server with its own cookie jar and CSRF token.</summary>
    public LatchkeyTestClient CreateClient() => new(BaseAddress);

    /// <summary>Stops the server, keeping the data directory.</summary>
    public async Task StopAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped by StopAsync.
        }

        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            TryDeleteDirectory(DataDirectory);
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private sealed class SinkLoggerProvider(Action<string, LogLevel, string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new SinkLogger(categoryName, sink);

        public void Dispose()
        {
        }
    }

    private sealed class SinkLogger(string category, Action<string, LogLevel, string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (exception is not null)
            {
                message += " " + exception;
            }

            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    message += $" {key}={value}";
                }
            }

            sink(category, logLevel, message);
        }
    }
}
