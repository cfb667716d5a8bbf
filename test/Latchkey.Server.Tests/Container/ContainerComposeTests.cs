using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Testing;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Latchkey.Server.Tests.Container;

/// <summary>
/// <c>deploy/compose.yaml</c>, the scale-out topology in containers, checked without a container engine: the nodes
/// share one issuer, master secret and set of stores, run on a read-only root, wait for healthy stores, set only
/// documented keys, and a server started with their settings (on the tests' own PostgreSQL and Redis) starts.
/// </summary>
public sealed partial class ContainerComposeTests : IDisposable
{
    private const string Proxy = "proxy";
    private readonly ComposeFile _compose = ComposeFile.Load();
    private readonly Dictionary<string, string> _variables = ExampleWithSecrets();
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    // The Latchkey nodes: the services built from the repository's Dockerfile.
    private List<string> Nodes => [.. _compose.Services.Where(s => s.Value.Children.ContainsKey(new YamlScalarNode("build"))).Select(s => s.Key)];

    [Fact]
    public void Nodes_ShareIssuerSecretAndStores_RunReadOnly_AndWaitForHealthyStores()
    {
        Assert.True(Nodes.Count >= 2, $"Expected two nodes or more, found {string.Join(", ", Nodes)}.");
        var shared = _compose.Environment(Nodes[0], _variables);
        foreach (var node in Nodes)
        {
            var service = _compose.Services[node];
            Assert.Equal(shared, _compose.Environment(node, _variables));
            var build = ComposeFile.Mapping(service, "build");
            Assert.Equal(Path.Combine(RepositoryFolder.Root(), "Dockerfile"), Path.GetFullPath(Path.Combine(ComposeFile.Folder, ComposeFile.Scalar(build, "context")!, ComposeFile.Scalar(build, "dockerfile")!)));
            Assert.Equal("true", ComposeFile.Scalar(service, "read_only"));
            Assert.Contains("/tmp", ComposeFile.Sequence(service, "tmpfs"));
            Assert.Contains(ComposeFile.Sequence(service, "volumes"), v => v.EndsWith(":/data", StringComparison.Ordinal));

            var dependencies = ComposeFile.Mapping(service, "depends_on");
            foreach (var store in (string[])["postgres", "redis"])
            {
                Assert.Equal("service_healthy", ComposeFile.Scalar(ComposeFile.Mapping(dependencies, store), "condition"));
                Assert.True(_compose.Services[store].Children.ContainsKey(new YamlScalarNode("healthcheck")), $"{store} has no health check for {node} to wait on.");
            }
        }

        // Each node keeps its own data volume.
        Assert.Equal(Nodes.Count, Nodes.Select(n => ComposeFile.Sequence(_compose.Services[n], "volumes").Single(v => v.EndsWith(":/data", StringComparison.Ordinal))).Distinct().Count());
        Assert.StartsWith("postgres:17", ComposeFile.Scalar(_compose.Services["postgres"], "image"), StringComparison.Ordinal);

        // The proxy in front is the one peer whose forwarded headers the nodes believe, and it reaches every node.
        var proxyAddress = ComposeFile.Scalar(ComposeFile.Mapping(ComposeFile.Mapping(_compose.Services[Proxy], "networks"), "default"), "ipv4_address");
        Assert.Equal(proxyAddress, shared["Latchkey__Network__TrustedProxies__0"]);
        var nginx = File.ReadAllText(Path.Combine(ComposeFile.Folder, "nginx.conf"));
        Assert.Equal(Nodes.Order(StringComparer.Ordinal), UpstreamServer().Matches(nginx).Select(m => m.Groups["node"].Value).Order(StringComparer.Ordinal));
        Assert.Contains("./nginx.conf:/etc/nginx/nginx.conf:ro", ComposeFile.Sequence(_compose.Services[Proxy], "volumes"));
    }

    [Fact]
    public void Nodes_SetOnlyDocumentedKeys_AndTakeTheirSecretsFromRequiredVariables()
    {
        var documented = DocumentedKeys();
        foreach (var key in _compose.Environment(Nodes[0], _variables).Keys.Where(k => k.StartsWith("Latchkey__", StringComparison.Ordinal)))
        {
            Assert.True(documented.Contains(WithoutIndexes(key.Replace("__", ":", StringComparison.Ordinal))), $"{key} is not a key of docs/configuration.md (a misspelled key is silently ignored).");
        }

        Assert.Equal(["ConnectionStrings__Latchkey", "ConnectionStrings__Redis"], _compose.Environment(Nodes[0], _variables).Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        // Every variable is listed for the operator in .env.example; the secrets have no value there, and compose
        // refuses to start without one.
        var example = ComposeFile.ExampleVariables();
        Assert.Subset(example.Keys.ToHashSet(StringComparer.Ordinal), _compose.Variables.ToHashSet(StringComparer.Ordinal));
        foreach (var secret in (string[])["LATCHKEY_MASTER_SECRET", "POSTGRES_PASSWORD"])
        {
            Assert.Equal(string.Empty, example[secret]);
            Assert.Contains("${" + secret + ":?", _compose.Text, StringComparison.Ordinal);
            var withoutIt = new Dictionary<string, string>(_variables, StringComparer.Ordinal) { [secret] = string.Empty };
            var missing = Assert.Throws<InvalidOperationException>(() => _compose.Environment(Nodes[0], withoutIt));
            Assert.Contains($"required variable {secret} is missing a value", missing.Message, StringComparison.Ordinal);
        }

        Assert.Contains("deploy/.env", File.ReadAllLines(Path.Combine(RepositoryFolder.Root(), ".gitignore")));
    }

    [Fact]
    public async Task Nodes_Settings_StartAServerOnPostgreSqlAndRedis()
    {
        var settings = _compose.Environment(Nodes[0], _variables);

        // The stores are the compose services, reached by their names; the test's own servers stand in for them.
        var postgreSqlSettings = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings__Latchkey"]);
        var postgres = _compose.Environment("postgres", _variables);
        Assert.Equal("postgres", postgreSqlSettings.Host);
        Assert.Equal(postgres["POSTGRES_USER"], postgreSqlSettings.Username);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], postgreSqlSettings.Password);
        Assert.Equal(postgres["POSTGRES_DB"], postgreSqlSettings.Database);
        Assert.StartsWith("redis:", settings["ConnectionStrings__Redis"], StringComparison.Ordinal);

        var postgreSql = await PostgreSqlServer.GetAsync();
        await using var redis = await RedisServer.StartAsync();
        settings["ConnectionStrings__Latchkey"] = await postgreSql.CreateDatabaseAsync();
        settings["ConnectionStrings__Redis"] = redis.ConnectionString;

        // Environment variables and command-line switches are the same keys to the configuration (`__` is `:`).
        await using var server = await ServerProcess.StartAsync(_dataDirectory, [.. settings.Select(s => $"--{s.Key.Replace("__", ":", StringComparison.Ordinal)}={s.Value}")]);
        using var client = server.CreateClient();
        using var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var discovery = await client.GetAsync("/.well-known/openid-configuration");
        var document = JsonNode.Parse(await discovery.Content.ReadAsStringAsync())!;
        Assert.Equal(settings["Latchkey__Issuer"], (string?)document["issuer"]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    // .env.example as an operator fills it in.
    private static Dictionary<string, string> ExampleWithSecrets()
    {
        var variables = ComposeFile.ExampleVariables();
        variables["LATCHKEY_MASTER_SECRET"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        variables["POSTGRES_PASSWORD"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        return variables;
    }

    // The keys that docs/configuration.md names (`Latchkey:Sessions:IdleTimeout`, `Latchkey:Clients:{n}:ClientId`).
    private static HashSet<string> DocumentedKeys() =>
        DocumentedKey().Matches(File.ReadAllText(Path.Combine(RepositoryFolder.Root(), "docs", "configuration.md")))
            .Select(m => WithoutIndexes(m.Groups["key"].Value))
            .ToHashSet(StringComparer.Ordinal);

    // A key without its list positions: `Latchkey:Network:TrustedProxies:0` and `…:{n}` both become `Latchkey:Network:TrustedProxies`.
    private static string WithoutIndexes(string key) =>
        string.Join(':', key.Split(':').Where(segment => !int.TryParse(segment, out _) && !(segment.StartsWith('{') && segment.EndsWith('}'))));

    [GeneratedRegex(@"`(?<key>Latchkey(?::[\w{}]+)+)`")]
    private static partial Regex DocumentedKey();

    [GeneratedRegex(@"^\s*server\s+(?<node>[\w-]+):8080;", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
