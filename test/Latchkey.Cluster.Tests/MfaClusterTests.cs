using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Latchkey.Cluster.Tests.Infrastructure;
using Latchkey.Mfa;
using Latchkey.Testing;

namespace Latchkey.Cluster.Tests;

/// <summary>
/// A TOTP code is accepted once across a PostgreSQL + Redis cluster: the same code sent to two nodes at once
/// signs in on exactly one, and a third node refuses it afterwards. The codes are computed in the test from the
/// secret the enrolment showed, on the real clock, as an authenticator app would.
/// </summary>
[Collection(ThreeNodeClusterCollection.Name)]
public sealed class MfaClusterTests(ThreeNodeCluster cluster)
{
    [Fact]
    public async Task TotpCode_UsedOnOneNode_IsRefusedOnTheOthers()
    {
        var email = TestData.NewEmail();
        var owner = await cluster.A.SignUpAndLoginAsync(email);
        string secret;
        using (var begin = await cluster.A.SendAsync(HttpMethod.Post, "api/account/mfa/totp", owner, json: new { }))
        {
            Assert.Equal(HttpStatusCode.OK, begin.StatusCode);
            secret = (await begin.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        }

        var key = Base32.TryDecode(secret)!;
        var step = Totp.StepAt(TimeProvider.System.GetUtcNow());
        using (var confirm = await cluster.A.SendAsync(HttpMethod.Post, "api/account/mfa/totp/confirm", owner, json: new { code = Totp.Code(key, step) }))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        }

        // The next step's code is within the drift window now and after the step turns.
        var code = Totp.Code(key, step + 1);
        var onB = await ChallengeAsync(cluster.B, email);
        var onC = await ChallengeAsync(cluster.C, email);
        var answers = await Task.WhenAll(
            Task.Run(() => CompleteAsync(cluster.B, onB, code)),
            Task.Run(() => CompleteAsync(cluster.C, onC, code)));

        Assert.Single(answers, s => s == HttpStatusCode.OK);
        Assert.Single(answers, s => s == HttpStatusCode.Unauthorized);

        var onA = await ChallengeAsync(cluster.A, email);
        Assert.Equal(HttpStatusCode.Unauthorized, await CompleteAsync(cluster.A, onA, code));
    }

    private static async Task<string> ChallengeAsync(ClusterNode node, string email)
    {
        using var response = await node.SendAsync(HttpMethod.Post, "api/session", json: new { email, password = TestData.Password });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{node.Name}: {(int)response.StatusCode} {body}");
        Assert.Equal("mfa_required", body["code"]!.GetValue<string>());
        return body["challenge"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> CompleteAsync(ClusterNode node, string challenge, string code)
    {
        using var response = await node.SendAsync(HttpMethod.Post, "api/session/mfa", json: new { challenge, code });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal("invalid_mfa_code", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        }

        return response.StatusCode;
    }
}
