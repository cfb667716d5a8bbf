namespace Latchkey.Testing;

/// <summary>
/// A throwaway PostgreSQL server for the test run: <c>initdb</c> in a temporary folder, started with
/// <c>pg_ctl</c> on a free port of 127.0.0.1 (as the <c>postgres</c> user when the tests run as root),
/// stopped when the process exits. Each caller gets a fresh database in it. Tests that stop the
/// server start a dedicated one (<see cref="StartDedicatedAsync"/>) so that the others never notice.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgreSqlServer? _shared;
    private readonly bool _dedicated;
    private int _databases;
    private int _disposed;

    private PostgreSqlServer(string binaries, string directory, int port, bool dedicated)
    {
        Binaries = binaries;
        Directory = directory;
        Port = port;
        _dedicated = dedicated;
    }

    /// <summary>The folder of the PostgreSQL programs.</summary>
    public string Binaries { get; }

    /// <summary>The cluster's folder.</summary>
    public string Directory { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string for the maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    /// <summary>The server of this test run, started on first use.</summary>
    public static async Task<PostgreSqlServer> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _shared ??= await StartAsync(dedicated: false);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Starts a server of the caller's own, which it may stop and restart at will; disposing it stops it
    /// and deletes its data.
    /// </summary>
    public static Task<PostgreSqlServer> StartDedicatedAsync() => StartAsync(dedicated: true);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"latchkey_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new Npgsql.NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Stops the server (fast shutdown), keeping its data.</summary>
    public Task<string> StopAsync() => PgCtlAsync("stop", "-m", "fast");

    /// <summary>Starts the server again on the same port and data.</summary>
    public Task<string> RestartAsync() => PgCtlAsync("start", "-w", "-l", Path.Combine(Directory, "server.log"), "-o", $"-p {Port} -k {Directory} -h 127.0.0.1");

    /// <summary>Stops a dedicated server at once and deletes its data; the shared server is left running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_dedicated || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAndDeleteAsync();
    }

    private static async Task<PostgreSqlServer> StartAsync(bool dedicated)
    {
        var initdb = ExternalProcess.Find("initdb", "postgresql", System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).ToArray()
            : []);
        var binaries = Path.GetDirectoryName(initdb)!;
        var root = Path.Combine(Path.GetTempPath(), "latchkey-pg");
        DeleteLeftovers(root);
        var directory = Path.Combine(root, Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var user = ExternalProcess.IsRoot ? "postgres" : null;
        if (user is not null)
        {
            // This server's own folder only: other test processes create and delete their servers' folders beside it
            // at the same time, and a recursive chown of the shared root fails on a folder that vanishes under it.
            await ExternalProcess.RunAsync("chown", ["postgres", root]);
            await ExternalProcess.RunAsync("chown", ["-R", "postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        await ExternalProcess.RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], user);
        var server = new PostgreSqlServer(binaries, directory, ExternalProcess.FreePort(), dedicated);
        await server.RestartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Interlocked.Exchange(ref server._disposed, 1) == 0)
            {
                server.StopAndDeleteAsync().GetAwaiter().GetResult();
            }
        };
        return server;
    }

    private async Task StopAndDeleteAsync()
    {
        try
        {
            await PgCtlAsync("stop", "-m", "immediate");
        }
        catch (InvalidOperationException)
        {
            // Already stopped (a test stopped it, or it never came back).
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover folder is removed by a later run (DeleteLeftovers).
        }
    }

    // The shared server is stopped when the test process exits, but a test host ended right after its
    // run may not finish deleting the folder. Folders of earlier runs where no server runs any more
    // (no postmaster.pid) and nothing changed for an hour are removed here instead.
    private static void DeleteLeftovers(string root)
    {
        if (!System.IO.Directory.Exists(root))
        {
            return;
        }

        var before = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1);
        foreach (var folder in System.IO.Directory.GetDirectories(root))
        {
            if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")) || System.IO.Directory.GetLastWriteTimeUtc(folder) > before)
            {
                continue;
            }

            try
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another run may be deleting it too.
            }
        }
    }

    private Task<string> PgCtlAsync(params string[] arguments) => ExternalProcess.RunAsync(
        Path.Combine(Binaries, "pg_ctl"),
        ["-D", Path.Combine(Directory, "data"), .. arguments],
        ExternalProcess.IsRoot ? "postgres" : null);
}
