using System.Security.Cryptography;
using Latchkey.Keys;
using Latchkey.Security;
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
/// <remarks>
/// Every server keeps all its log output at Trace level (<see cref="Logs"/>) and watches every secret
/// that passes through it or its clients (<see cref="Secrets"/>). Disposing it scans the log for those
/// secrets and throws <see cref="SecretInLogException"/> on a find, so every test that uses a server
/// also checks that nothing it did put a secret in the log.
/// </remarks>
public sealed class LatchkeyTestServer : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private int _scanned;

    private LatchkeyTestServer(WebApplication app, Uri baseAddress, string dataDirectory, bool ownsDirectory, LogCapture logs, SecretWatch secrets)
    {
        App = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        Logs = logs;
        Secrets = secrets;
    }

    /// <summary>The running application; its <c>Services</c> reach the real singletons.</summary>
    public WebApplication App { get; }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The origin of <see cref="BaseAddress"/>, as a browser would send it.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>The data directory in use.</summary>
    public string DataDirectory { get; }

    /// <summary>Every event the server has logged, at every level and in every category.</summary>
    public LogCapture Logs { get; }

    /// <summary>The secrets seen so far; the log is scanned for them when the server is disposed.</summary>
    public SecretWatch Secrets { get; }

    /// <summary>The result of the scan made at disposal, once it has run.</summary>
    public LogScanResult? LastScan { get; private set; }

    /// <summary>Starts a server.</summary>
    public static async Task<LatchkeyTestServer> StartAsync(TestServerOptions? options = null)
    {
        options ??= new TestServerOptions();
        var logs = new LogCapture(options.LogSink);
        var secrets = new SecretWatch();
        foreach (var (key, value) in options.Settings)
        {
            if (key.EndsWith(":ClientSecret", StringComparison.OrdinalIgnoreCase))
            {
                secrets.Add("client secret", value);
            }
            else if (key.Equals("Latchkey:Keys:MasterSecret", StringComparison.OrdinalIgnoreCase))
            {
                secrets.Add("master secret", value);
            }
        }

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

        // Every test comes from 127.0.0.1, and a shared server's tests create many accounts; a test of the
        // sign-up rate sets its own limit in Settings, which come later and win.
        args.Add("--Latchkey:Throttling:SignUpsPerAddress=1000000");
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

            // Trace for the capture only; the console keeps the configured level.
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
            builder.Services.AddSingleton<IStartupFilter>(new SecretRecordingStartupFilter(secrets));
            options.ConfigureBuilder?.Invoke(builder);
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
        return new LatchkeyTestServer(app, new Uri(address + "/"), dataDirectory, ownsDirectory, logs, secrets);
    }

    /// <summary>A fresh empty directory under the system's temporary folder.</summary>
    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "latchkey-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A client for this server with its own cookie jar and CSRF token.</summary>
    public LatchkeyTestClient CreateClient() => new(BaseAddress, Secrets);

    /// <summary>Stops the server, keeping the data directory, and scans its log for secrets.</summary>
    public async Task StopAsync()
    {
        WatchServerSecrets();
        await App.StopAsync();
        await App.DisposeAsync();
        ScanLog();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        WatchServerSecrets();
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

        ScanLog();
    }

    private void ScanLog()
    {
        if (Interlocked.Exchange(ref _scanned, 1) == 1)
        {
            return;
        }

        LastScan = Secrets.Scan(Logs.Entries);
        Console.WriteLine(LastScan.Summary);
        LastScan.ThrowIfLeaked();
    }

    // The signing keys as the running server holds them (decrypted), in every form a log could show them.
    private void WatchServerSecrets()
    {
        try
        {
            foreach (var key in App.Services.GetRequiredService<SigningKeyRing>().Keys)
            {
                var privateKey = key.Material.ExportPrivateKey();
                Secrets.AddKeyBytes("private signing key", privateKey);
                foreach (var parameter in PrivateParameters(key.Material.Algorithm, privateKey))
                {
                    Secrets.AddKeyBytes("private signing key parameter", parameter);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // Already stopped: the keys were watched then.
        }

        var secretFile = Path.Combine(DataDirectory, MasterSecret.FileName);
        if (File.Exists(secretFile))
        {
            var text = File.ReadAllText(secretFile).Trim();
            Secrets.Add("master secret", text);
            Secrets.AddKeyBytes("master secret", Convert.FromBase64String(text));
        }
    }

    private static IEnumerable<byte[]> PrivateParameters(string algorithm, byte[] privateKey)
    {
        switch (algorithm)
        {
            case SigningAlgorithms.ES256:
                using (var ec = ECDsa.Create())
                {
                    ec.ImportPkcs8PrivateKey(privateKey, out _);
                    return [ec.ExportParameters(true).D!];
                }

            case SigningAlgorithms.RS256 or SigningAlgorithms.PS256:
                using (var rsa = RSA.Create())
                {
                    rsa.ImportPkcs8PrivateKey(privateKey, out _);
                    var p = rsa.ExportParameters(true);
                    return [p.D!, p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ!];
                }

            default:
                // Ed25519 exports the raw 32-byte private key already.
                return [];
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
}
