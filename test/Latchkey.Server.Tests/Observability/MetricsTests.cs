using System.Net;
using Latchkey.Diagnostics;
using Latchkey.Revocation;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// A scripted run over HTTP against a server of its own, read back through a <see cref="MeterListener"/> on that
/// server's meter (docs/observability.md): every count is exact.
/// </summary>
public sealed class MetricsTests
{
    private const string WrongPassword = "not the right password";

    [Fact]
    public async Task ScriptedRun_RecordsEachOutcomeOnItsInstrument()
    {
        var time = new FakeTimeProvider(FakeClockServerFixture.Start);
        var options = new TestServerOptions { Time = time };
        options.Settings["Latchkey:Throttling:FreeFailuresPerAccount"] = "2";
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
        // A broadcast that hands every revocation back to this node, as Redis pub/sub does.
        options.ConfigureBuilder = builder => builder.Services.Replace(ServiceDescriptor.Singleton<IRevocationBroadcaster, LoopbackBroadcaster>());
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var recorder = new MeasurementRecorder(server.App.Services.GetRequiredService<LatchkeyMetrics>().Meter);
        using var client = server.CreateClient();

        // One wrong password, then a session login and a password grant.
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        using (var failed = await client.LoginAsync(email, WrongPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var login = await client.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var first = await client.LoginWithTokensAsync(email);

        // A rotation, then the spent token again: reuse, the family and its access tokens revoked.
        await client.RefreshOkAsync(first);
        using (var reused = await client.RefreshAsync(first.RefreshToken!))
        {
            await OAuthAssert.IsErrorAsync(reused, HttpStatusCode.BadRequest, "invalid_grant");
        }

        // A fresh token twice (validated, then from the cache), the revoked one, and garbage.
        var second = await client.LoginWithTokensAsync(email);
        Assert.True(await client.IsAcceptedAsync(second.AccessToken));
        Assert.True(await client.IsAcceptedAsync(second.AccessToken));
        Assert.False(await client.IsAcceptedAsync(first.AccessToken));
        Assert.False(await client.IsAcceptedAsync("garbage"));

        // Another account: two free failures, a third that starts the delay, and a refused attempt.
        var throttled = TestData.NewEmail();
        await client.RegisterAsync(throttled);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.LoginAsync(throttled, WrongPassword);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var refused = await client.LoginAsync(throttled, WrongPassword))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        // The session logs out.
        using (var logout = await client.DeleteAsync("api/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Equal(3, recorder.Sum("latchkey.logins", ("latchkey.login.result", "succeeded")));
        Assert.Equal(4, recorder.Sum("latchkey.logins", ("latchkey.login.result", "invalid_credentials")));
        Assert.Equal(1, recorder.Sum("latchkey.logins", ("latchkey.login.result", "throttled")));
        Assert.Equal(8, recorder.Sum("latchkey.logins"));

        Assert.Equal(1, recorder.Sum("latchkey.throttle.refusals", ("latchkey.throttle.counter", "account")));
        Assert.Equal(1, recorder.Sum("latchkey.throttle.refusals"));

        Assert.Equal(1, recorder.Sum("latchkey.refreshes", ("latchkey.refresh.result", "rotated")));
        Assert.Equal(1, recorder.Sum("latchkey.refreshes", ("latchkey.refresh.result", "reused")));
        Assert.Equal(2, recorder.Sum("latchkey.refreshes"));
        Assert.Equal(1, recorder.Sum("latchkey.refresh_token.reuse_detections"));

        // The reused family's tokens, then the logged-out session's.
        Assert.Equal(2, recorder.Sum("latchkey.revocations.published", ("latchkey.revocation.kind", "session")));
        Assert.Equal(2, recorder.Count("latchkey.revocations.publish.duration", ("latchkey.revocation.kind", "session")));
        Assert.Equal(2, recorder.Sum("latchkey.revocations.received", ("latchkey.revocation.kind", "session")));
        Assert.Equal(2, recorder.Sum("latchkey.revocations.received"));
        // Both were this node's own, heard back from the broadcast: their round trip is the propagation delay.
        Assert.Equal(2, recorder.Count("latchkey.revocations.propagation.delay", ("latchkey.revocation.kind", "session")));

        // +1 at login, -1 at logout.
        Assert.Equal(2, recorder.Count("latchkey.sessions.active"));
        Assert.Equal(0, recorder.Sum("latchkey.sessions.active"));

        Assert.Equal(1, recorder.Sum("latchkey.token.validations", ("latchkey.token.validation.result", "valid"), ("latchkey.token.cache", "miss")));
        Assert.Equal(1, recorder.Sum("latchkey.token.validations", ("latchkey.token.validation.result", "valid"), ("latchkey.token.cache", "hit")));
        Assert.Equal(1, recorder.Sum("latchkey.token.validations", ("latchkey.token.validation.result", "revoked"), ("latchkey.token.cache", "miss")));
        Assert.Equal(1, recorder.Sum("latchkey.token.validations", ("latchkey.token.validation.result", "malformed"), ("latchkey.token.cache", "miss")));
        Assert.Equal(4, recorder.Sum("latchkey.token.validations"));

        Assert.Equal(0, recorder.Count("latchkey.password_hashing.rejections"));
        Assert.Equal(0, recorder.Sum("latchkey.password_hashing.queued"));

        Assert.Equal(["sqlite"], recorder.TagValues("latchkey.store.duration", "latchkey.store"));
        var operations = recorder.TagValues("latchkey.store.duration", "latchkey.store.operation");
        foreach (var operation in (string[])["account.try_create", "session.create", "session.delete", "refresh_token.create_family", "refresh_token.rotate", "revocation.add"])
        {
            Assert.Contains(operation, operations);
        }

        Assert.Equal(2, recorder.Count("latchkey.store.duration", ("latchkey.store.operation", "account.try_create")));
        Assert.Equal(2, recorder.Count("latchkey.store.duration", ("latchkey.store.operation", "refresh_token.rotate")));
        Assert.All(recorder.Measurements.Where(m => m.Instrument == "latchkey.store.duration"), m => Assert.True(m.Value >= 0));
    }

    private sealed class LoopbackBroadcaster : IRevocationBroadcaster
    {
        private Action<RevocationEntry>? _received;

        public Task PublishAsync(RevocationEntry entry, CancellationToken cancellationToken)
        {
            _received?.Invoke(entry);
            return Task.CompletedTask;
        }

        public Task SubscribeAsync(Action<RevocationEntry> received, Func<CancellationToken, Task> resynchronize, CancellationToken cancellationToken)
        {
            _received = received;
            return Task.CompletedTask;
        }
    }
}
