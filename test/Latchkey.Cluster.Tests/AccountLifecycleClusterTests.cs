using System.Net;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// Disabling or deleting an account ends what it holds on every node of a PostgreSQL + Redis cluster:
/// the operator command runs as its own process against the cluster's stores, and the owner's deletion
/// is answered by node A; nodes B and C refuse the account's sessions and access tokens soon after.
/// </summary>
[Collection(ThreeNodeClusterCollection.Name)]
public sealed class AccountLifecycleClusterTests(ThreeNodeCluster cluster)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DisableCommand_EndsSessionsAndTokensOnEveryNode()
    {
        var email = TestData.NewEmail();
        await cluster.A.RegisterAsync(email);
        var onB = await cluster.B.LoginAsync(email);
        var onC = await cluster.C.LoginAsync(email);
        var pair = await cluster.A.PasswordGrantAsync(email);
        Assert.Equal(HttpStatusCode.OK, await cluster.B.MeStatusAsync(onB));
        Assert.Equal(HttpStatusCode.OK, await cluster.C.MeStatusAsync(pair.AccessToken));

        var (exitCode, output) = await cluster.Cluster.RunCommandAsync("accounts", "disable", email);
        Assert.True(exitCode == 0, output);

        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "session on B refused");
        await Poll.UntilAsync(async () => await cluster.C.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "session on C refused");
        foreach (var node in cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized, Bound, $"access token on {node.Name} refused");
        }

        using var refresh = await cluster.B.RefreshAsync(pair.RefreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        using var login = await cluster.C.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password });
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }

    [Fact]
    public async Task OwnerDeletion_OnA_EndsSessionsOnBAndC()
    {
        var email = TestData.NewEmail();
        await cluster.A.RegisterAsync(email);
        var onA = await cluster.A.LoginAsync(email);
        var onB = await cluster.B.LoginAsync(email);
        var onC = await cluster.C.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, await cluster.B.MeStatusAsync(onB));
        Assert.Equal(HttpStatusCode.OK, await cluster.C.MeStatusAsync(onC));

        using var delete = await cluster.A.SendAsync(HttpMethod.Delete, "api/account", onA, json: new { currentPassword = TestData.Password });
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "session on B refused");
        await Poll.UntilAsync(async () => await cluster.C.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "session on C refused");
    }

    [Fact]
    public async Task DeleteCommand_AfterAFailedLogin_LeavesNothingOfTheAccountInPostgreSqlOrRedis()
    {
        var email = TestData.NewEmail();
        var id = await cluster.A.RegisterAsync(email);
        var session = await cluster.B.LoginAsync(email);
        await cluster.C.PasswordGrantAsync(email);
        using (var wrong = await cluster.C.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = "not the password at all" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var (exitCode, output) = await cluster.Cluster.RunCommandAsync("accounts", "delete", email, "--json");
        Assert.True(exitCode == 0, output);
        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(session) == HttpStatusCode.Unauthorized, Bound, "session on B refused");

        // PostgreSQL: no row of any table mentions the email; only revocation entries name the id.
        await using (var connection = new NpgsqlConnection(cluster.Cluster.PostgreSql))
        {
            await connection.OpenAsync();
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (var table in tables)
            {
                await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\" t WHERE t::text ILIKE @email OR (t::text LIKE @id AND @table <> 'revocations')", connection);
                count.Parameters.AddWithValue("email", "%" + email + "%");
                count.Parameters.AddWithValue("id", "%" + id + "%");
                count.Parameters.AddWithValue("table", table);
                Assert.True((long)(await count.ExecuteScalarAsync())! == 0, $"{table} still names the account");
            }
        }

        // Redis: no key names the account or its email (sessions, session index, throttle counter), and no session record names it.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Cluster.Redis.ConnectionString);
        var server = redis.GetServers()[0];
        await foreach (var key in server.KeysAsync(pattern: "lk:*"))
        {
            var name = key.ToString();
            Assert.DoesNotContain(email, name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(id, name, StringComparison.Ordinal);
            if (name.StartsWith("lk:s:", StringComparison.Ordinal))
            {
                var value = (byte[]?)await redis.GetDatabase().StringGetAsync(key);
                Assert.True(value is null || value.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(id)) < 0, "a session record names the account");
            }
        }
    }
    [Fact]
    public async Task FirstAdmin_FromTheCommandLine_DisablesAnAccountThroughTheAdminApi_AndItsSessionsDieOnEveryNode()
    {
        // The first operator, made by the command line against PostgreSQL; its generated password is printed once.
        var adminEmail = TestData.NewEmail();
        var (created, createdOutput) = await cluster.Cluster.RunCommandAsync("accounts", "create", adminEmail, "--admin", "--json");
        Assert.True(created == 0, createdOutput);
        var answer = System.Text.Json.Nodes.JsonNode.Parse(createdOutput.Split('\n').First(l => l.StartsWith('{')))!;
        var admin = await cluster.A.LoginAsync(adminEmail, answer["password"]!.GetValue<string>());

        var email = TestData.NewEmail();
        var userId = await cluster.A.RegisterAsync(email);
        var onB = await cluster.B.LoginAsync(email);
        var onC = await cluster.C.LoginAsync(email);
        var pair = await cluster.B.PasswordGrantAsync(email);

        using (var disable = await cluster.A.SendAsync(HttpMethod.Post, $"admin/accounts/{userId}/disable", admin, json: new { }))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "session on B refused");
        await Poll.UntilAsync(async () => await cluster.C.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "session on C refused");
        foreach (var node in cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized, Bound, $"access token on {node.Name} refused");
        }

        // The role lives in PostgreSQL: another node sees the operator as one, and stops as soon as the command revokes it.
        using (var onOtherNode = await cluster.C.SendAsync(HttpMethod.Get, $"admin/accounts/{userId}", admin))
        {
            Assert.Equal(HttpStatusCode.OK, onOtherNode.StatusCode);
        }

        var (revoked, revokedOutput) = await cluster.Cluster.RunCommandAsync("accounts", "revoke-admin", adminEmail);
        Assert.True(revoked == 0, revokedOutput);
        using var refused = await cluster.C.SendAsync(HttpMethod.Get, $"admin/accounts/{userId}", admin);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task SessionCommands_ListAndEndAnAccountsSessions_OnPostgreSqlAndRedis()
    {
        var email = TestData.NewEmail();
        await cluster.A.RegisterAsync(email);
        var onB = await cluster.B.LoginAsync(email);
        var onC = await cluster.C.LoginAsync(email);

        var (listed, listOutput) = await cluster.Cluster.RunCommandAsync("sessions", "list", email, "--json");
        Assert.True(listed == 0, listOutput);
        var sessions = System.Text.Json.Nodes.JsonNode.Parse(listOutput.Split('\n').First(l => l.StartsWith('{')))!["sessions"]!.AsArray();
        Assert.Equal(2, sessions.Count);

        using (var current = await cluster.B.SendAsync(HttpMethod.Get, "api/session", onB))
        {
            var id = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(current.Content))!["session"]!["id"]!.GetValue<string>();
            Assert.Contains(sessions, s => s!["id"]!.GetValue<string>() == id);
            var (ended, endOutput) = await cluster.Cluster.RunCommandAsync("sessions", "end", email, id);
            Assert.True(ended == 0, endOutput);
        }

        await Poll.UntilAsync(async () => await cluster.B.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "ended session refused");
        Assert.Equal(HttpStatusCode.OK, await cluster.C.MeStatusAsync(onC));

        var (all, allOutput) = await cluster.Cluster.RunCommandAsync("sessions", "end", email, "--all");
        Assert.True(all == 0, allOutput);
        await Poll.UntilAsync(async () => await cluster.C.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "every session refused");
        var (missing, _) = await cluster.Cluster.RunCommandAsync("sessions", "end", "nobody@example.com", "--all");
        Assert.Equal(3, missing);
    }
}
