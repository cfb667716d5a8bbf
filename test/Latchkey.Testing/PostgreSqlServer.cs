namespace Latchkey.Testing;

/// <summary>
/// A throwaway PostgreSQL server for the test run: <c>initdb</c> in a temporary folder, started with
/// <c>pg_ctl</c> on a free port of 127.0.0.1 (as the <c>postgres</c> user when the tests run as root),
/// stopped when the process exits. Each caller gets a fresh database in it.
/// </summary>
public sealed class PostgreSqlServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgreSqlServer? _shared;
    private int _databases;

    private PostgreSqlServer(string binaries, string directory, int port)
    {
        Binaries = binaries;
        Directory = directory;
        Port = port;
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
            return _shared ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

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

    private static async Task<PostgreSqlServer> StartAsync()
    {
        var initdb = ExternalProcess.Find("initdb", "postgresql", System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).ToArray()
            : []);
        var binaries = Path.GetDirectoryName(initdb)!;
        var directory = Path.Combine(Path.GetTempPath(), "latchkey-pg", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var user = ExternalProcess.IsRoot ? "postgres" : null;
        if (user is not null)
        {
            await ExternalProcess.RunAsync("chown", ["-R", "postgres", Path.GetDirectoryName(directory)!]);
        }

        var data = Path.Combine(directory, "data");
        await ExternalProcess.RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], user);
        var server = new PostgreSqlServer(binaries, directory, ExternalProcess.FreePort());
        await server.RestartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                server.PgCtlAsync("stop", "-m", "immediate").GetAwaiter().GetResult();
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                // Best effort at exit.
            }
        };
        return server;
    }

    private Task<string> PgCtlAsync(params string[] arguments) => ExternalProcess.RunAsync(
        Path.Combine(Binaries, "pg_ctl"),
        ["-D", Path.Combine(Directory, "data"), .. arguments],
        ExternalProcess.IsRoot ? "postgres" : null);
}
