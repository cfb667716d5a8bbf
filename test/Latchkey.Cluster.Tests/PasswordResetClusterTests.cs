using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// A password reset completed on node A of a PostgreSQL + Redis cluster ends what the account holds on every
/// node: its sessions on B and C, its refresh tokens and its access tokens, through the "log out everywhere"
/// path. The nodes deliver their mail to a real SMTP server in the test process, and the test follows the link.
/// </summary>
public sealed partial class PasswordResetClusterTests : IAsyncLifetime
{
    private const string NewPassword = "a brand new passphrase";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private TestSmtpServer? _smtp;
    private LatchkeyCluster? _cluster;

    public async Task InitializeAsync()
    {
        _smtp = await TestSmtpServer.StartAsync();
        _cluster = await LatchkeyCluster.StartAsync(3, null, [.. _smtp.Arguments, "--Latchkey:Mail:PollInterval=00:00:00.200"]);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    [Fact]
    public async Task PasswordReset_OnA_EndsSessionsOnBAndC_AndRefusesTheRefreshToken()
    {
        var (a, b, c) = (_cluster!.Nodes[0], _cluster.Nodes[1], _cluster.Nodes[2]);
        var email = TestData.NewEmail();
        await a.RegisterAsync(email);
        var onB = await b.LoginAsync(email);
        var onC = await c.LoginAsync(email);
        var pair = await c.PasswordGrantAsync(email);
        Assert.Equal(HttpStatusCode.OK, await b.MeStatusAsync(onB));
        Assert.Equal(HttpStatusCode.OK, await c.MeStatusAsync(onC));
        Assert.Equal(HttpStatusCode.OK, await b.MeStatusAsync(pair.AccessToken));

        using (var request = await a.SendAsync(HttpMethod.Post, "api/password-reset", json: new { email }))
        {
            Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        }

        // The verification mail from the sign-up comes too; whichever node claimed each message sent it.
        var messages = await _smtp!.WaitForAsync(2);
        var reset = Assert.Single(messages, m => (m.Text ?? string.Empty).Contains("/reset-password#token=", StringComparison.Ordinal));
        Assert.Equal([email], reset.To, StringComparer.OrdinalIgnoreCase);
        var token = TokenPattern().Match(reset.Text!).Value;

        using (var complete = await a.SendAsync(HttpMethod.Post, "api/password-reset/complete", json: new { token, newPassword = NewPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
        }

        await Poll.UntilAsync(async () => await b.MeStatusAsync(onB) == HttpStatusCode.Unauthorized, Bound, "session on B refused");
        await Poll.UntilAsync(async () => await c.MeStatusAsync(onC) == HttpStatusCode.Unauthorized, Bound, "session on C refused");
        foreach (var node in _cluster.Nodes)
        {
            await Poll.UntilAsync(async () => await node.MeStatusAsync(pair.AccessToken) == HttpStatusCode.Unauthorized, Bound, $"access token on {node.Name} refused");
        }

        using (var refresh = await b.RefreshAsync(pair.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        }

        using (var again = await c.SendAsync(HttpMethod.Post, "api/password-reset/complete", json: new { token, newPassword = "yet another passphrase" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }

        var fresh = await c.LoginAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, await b.MeStatusAsync(fresh));
    }

    [GeneratedRegex("lk_at_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenPattern();
}
