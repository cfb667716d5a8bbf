using System.Security.Cryptography;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>
/// Latchkey server processes on 127.0.0.1 sharing one PostgreSQL database and one Redis server: the
/// scaled-out deployment. Every node gets the same issuer and master secret (so tokens minted on one
/// validate on all, and all decrypt the shared signing keys) and a one-second key refresh. Disposing
/// kills every node, stops the Redis server and deletes the data directories, whatever the test did.
/// </summary>
public sealed class LatchkeyCluster : IAsyncDisposable
{
    /// <summary>The issuer every node is configured with.</summary>
    public const string Issuer = "http://latchkey.test";

    private readonly List<ClusterNode> _nodes = [];
    private readonly List<string> _directories = [];
    private readonly bool _ownsRedis;
    private readonly RedisServer? _redis;

    private LatchkeyCluster(string postgreSql, RedisServer? redis, bool ownsRedis)
    {
        PostgreSql = postgreSql;
        _redis = redis;
        _ownsRedis = ownsRedis;
    }

    /// <summary>The PostgreSQL connection string of the cluster's database.</summary>
    public string PostgreSql { get; }

    /// <summary>The cluster's Redis server.</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("This cluster runs on PostgreSQL alone.");

    /// <summary>The nodes started so far, in order (A, B, C…).</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>The secret every node derives its key-encryption and refresh-successor keys from.</summary>
    public string MasterSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes on a fresh database of <paramref name="postgreSql"/> (the
    /// test run's shared server when null) and a Redis server of its own.
    /// </summary>
    /// <param name="nodes">How many nodes to start, at once.</param>
    /// <param name="postgreSql">The PostgreSQL server; the shared one when null.</param>
    /// <param name="extraArguments">Switches every node gets, after the cluster's own.</param>
    public static Task<LatchkeyCluster> StartAsync(int nodes, PostgreSqlServer? postgreSql = null, params string[] extraArguments) =>
        StartAsync(nodes, postgreSql, withRedis: true, extraArguments);

    /// <summary>
    /// Starts <paramref name="nodes"/> nodes on a fresh database of the shared PostgreSQL server and no
    /// Redis: the PostgreSQL-only topology (revocations over <c>LISTEN</c>/<c>NOTIFY</c>).
    /// </summary>
    public static Task<LatchkeyCluster> StartWithoutRedisAsync(int nodes, params string[] extraArguments) =>
        StartAsync(nodes, null, withRedis: false, extraArguments);

    private static async Task<LatchkeyCluster> StartAsync(int nodes, PostgreSqlServer? postgreSql, bool withRedis, string[] extraArguments)
    {
        postgreSql ??= await PostgreSqlServer.GetAsync();
        var database = await postgreSql.CreateDatabaseAsync();
        var redis = withRedis ? await RedisServer.StartAsync() : null;
        var cluster = new LatchkeyCluster(database, redis, ownsRedis: withRedis);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, nodes).Select(_ => cluster.StartNodeAsync(extraArguments)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The switches that make a server process (or a CLI command) part of this cluster.</summary>
    public string[] SharedArguments() =>
    [
        $"--ConnectionStrings:Latchkey={PostgreSql}",
        .. _redis is null ? Array.Empty<string>() : [$"--ConnectionStrings:Redis={_redis.ConnectionString}"],
        $"--Latchkey:Issuer={Issuer}",
        $"--Latchkey:Keys:MasterSecret={MasterSecret}",
        "--Latchkey:Keys:RefreshInterval=00:00:01",
    ];

    /// <summary>Starts one more node; <paramref name="extraArguments"/> come after the shared switches and win over them.</summary>
    public async Task<ClusterNode> StartNodeAsync(params string[] extraArguments)
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        lock (_directories)
        {
            _directories.Add(directory);
        }

        var process = await ServerProcess.StartAsync(directory, [.. SharedArguments(), .. extraArguments]);
        lock (_nodes)
        {
            var node = new ClusterNode(((char)('A' + _nodes.Count)).ToString(), process);
            _nodes.Add(node);
            return node;
        }
    }

    /// <summary>Runs <c>dotnet Latchkey.Server.dll <paramref name="command"/></c> against the cluster's stores.</summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] command)
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        lock (_directories)
        {
            _directories.Add(directory);
        }

        return await ServerProcess.RunCommandAsync(
            [.. command, .. SharedArguments(), $"--Latchkey:DataDirectory={directory}", "--Logging:LogLevel:Default=Warning"]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<Exception> failures = [];
        foreach (var node in _nodes)
        {
            try
            {
                await node.DisposeAsync();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        if (_ownsRedis && _redis is not null)
        {
            await _redis.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Stopping the cluster's nodes failed.", failures);
        }
    }
}
