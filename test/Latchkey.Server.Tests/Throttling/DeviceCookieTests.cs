using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Throttling;

/// <summary>
/// OWASP's device cookie: a login that presents a valid device token for its account is judged by that
/// device's own failures only, so an attacker behind the same address (an office or carrier NAT; here
/// everything comes from 127.0.0.1) who drives up the address and account counters does not lock the
/// user out; and sign-up is limited per address by rate, apart from login failures. Each test has its
/// own server on a fake clock with the default allowances, so that no delay elapses unless it says so.
/// </summary>
public sealed class DeviceCookieTests : IAsyncLifetime
{
    private const string WrongPassword = "not the right password";
    private readonly FakeTimeProvider _time = new(FakeClockServerFixture.Start);
    private LatchkeyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task KnownDevice_After1000FailuresFromItsAddressOnItsAccount_LogsInAtOnce_WhileTheAttackerStaysThrottled()
    {
        var email = TestData.NewEmail();
        var device = await SignUpAndGetDeviceCookieAsync(email);

        // The attacker shares the user's address, without the device cookie: it guesses at the user's account
        // and sprays others, so that both the account's and the address's counters are exhausted.
        using var attacker = _server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 1000; i++)
        {
            using var guess = await attacker.LoginAsync(i % 4 == 0 ? TestData.NewEmail() : email, WrongPassword + i);
            statuses.Add(guess.StatusCode);
        }

        Assert.Equal(1000, statuses.Count(s => s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 1000 - 21);
        using (var unknownDevice = await attacker.LoginAsync(TestData.NewEmail(), WrongPassword))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, unknownDevice.StatusCode);
        }

        Assert.Contains(_server.Logs.Named("ThrottledAttempt"), e => e["KeyKind"] == "Address");
        Assert.Contains(_server.Logs.Named("ThrottledAttempt"), e => e["KeyKind"] == "Account");

        using var user = _server.CreateClient();
        user.Cookie = device;
        using (var login = await user.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.NotNull(LatchkeyTestClient.DeviceSetCookie(login));
        }

        Assert.Equal(HttpStatusCode.OK, await user.MeStatusAsync());

        // The attacker is still refused, with the wrong password and with the right one alike.
        using (var wrong = await attacker.LoginAsync(email, WrongPassword))
        {
            await ProblemAssert.IsAsync(wrong, HttpStatusCode.TooManyRequests, "too_many_attempts");
            Assert.True(wrong.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }

        using var right = await attacker.LoginAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task ForgedExpiredOrOtherAccountDeviceTokens_GiveNoBypass()
    {
        var email = TestData.NewEmail();
        var expired = await SignUpAndGetDeviceCookieAsync(email);
        _time.Advance(TimeSpan.FromDays(90) + TimeSpan.FromSeconds(1));
        var genuine = await LoginForDeviceCookieAsync(email);
        var otherAccount = await SignUpAndGetDeviceCookieAsync(TestData.NewEmail());
        await ExhaustAccountAsync(email);

        var value = genuine[(genuine.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var tampered = genuine[..^2] + (genuine[^2] == 'A' ? 'B' : 'A') + genuine[^1];
        foreach (var cookie in new[] { expired, otherAccount, tampered, "latchkey_device=lk_dt_AAAA", "latchkey_device=lk_dt_!!!!", "latchkey_device=" + new string('x', 5000), "latchkey_session=" + value })
        {
            using var client = _server.CreateClient();
            client.Cookie = cookie;
            using var refused = await client.LoginAsync(email);
            await ProblemAssert.IsAsync(refused, HttpStatusCode.TooManyRequests, "too_many_attempts");
        }

        using var known = _server.CreateClient();
        known.Cookie = genuine;
        using (var login = await known.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var reasons = _server.Logs.Named("DeviceTokenRefused").Select(e => e["Reason"]).ToHashSet();
        Assert.Superset(new HashSet<string?> { "Expired", "OtherAccount", "Invalid" }, reasons);
    }

    [Fact]
    public async Task KnownDevice_ItsOwnFailures_ThrottleThatDeviceOnly()
    {
        var email = TestData.NewEmail();
        var device = await SignUpAndGetDeviceCookieAsync(email);
        using var client = _server.CreateClient();
        for (var i = 0; i < 5 + 1; i++)
        {
            client.Cookie = device;
            using var failed = await client.LoginAsync(email, WrongPassword);
            await ProblemAssert.IsAsync(failed, HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        client.Cookie = device;
        using (var throttled = await client.LoginAsync(email))
        {
            await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
        }

        Assert.Single(_server.Logs.Named("ThrottledAttempt"), e => e["KeyKind"] == "Device");

        // The device's failures were charged to it alone: the account from another device is not held back.
        using (var elsewhere = _server.CreateClient())
        using (var login = await elsewhere.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        client.Cookie = device;
        using var afterDelay = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, afterDelay.StatusCode);
    }

    [Fact]
    public async Task Login_SetsTheDeviceCookie_HttpOnlyStrictForTheWholeSite_AndRenewsTheSameDevice()
    {
        var email = TestData.NewEmail();
        using var client = _server.CreateClient();
        await client.RegisterAsync(email);
        using var first = await client.LoginAsync(email);
        var setCookie = LatchkeyTestClient.DeviceSetCookie(first)!;

        Assert.StartsWith("latchkey_device=lk_dt_", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);

        // A login that presents the cookie renews it (a later expiry, the same device's counter).
        _time.Advance(TimeSpan.FromDays(1));
        using var again = _server.CreateClient();
        again.Cookie = setCookie.Split(';')[0];
        using var second = await again.LoginAsync(email);
        var renewed = LatchkeyTestClient.DeviceSetCookie(second)!;
        Assert.NotEqual(setCookie.Split(';')[0], renewed.Split(';')[0]);
        Assert.Empty(_server.Logs.Named("DeviceTokenRefused"));
    }

    [Fact]
    public async Task Login_OverHttps_SetsAHostPrefixedSecureDeviceCookie()
    {
        await using var server = await LatchkeyTestServer.StartAsync(new TestServerOptions { Https = true });
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        using var login = await client.LoginAsync(email);

        var setCookie = LatchkeyTestClient.DeviceSetCookie(login)!;
        Assert.StartsWith("__Host-latchkey_device=", setCookie, StringComparison.Ordinal);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);

        // Over HTTPS only the prefixed name counts: a plain one (planted over HTTP or by a sibling) is ignored.
        await ExhaustAccountAsync(email, client);
        var plain = setCookie.Split(';')[0]["__Host-".Length..];
        using var planted = server.CreateClient();
        planted.Cookie = plain;
        using (var refused = await planted.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        using var known = server.CreateClient();
        known.Cookie = setCookie.Split(';')[0];
        using var admitted = await known.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task PasswordGrant_WithItsDeviceToken_IsJudgedByThatDeviceAlone()
    {
        var email = TestData.NewEmail();
        using var client = _server.CreateClient();
        await client.RegisterAsync(email);
        string deviceToken;
        using (var first = await client.PasswordGrantAsync(email))
        {
            var body = await first.ReadJsonObjectAsync();
            deviceToken = body["device_token"]!.GetValue<string>();
            Assert.StartsWith("lk_dt_", deviceToken, StringComparison.Ordinal);
        }

        for (var i = 0; i < 50; i++)
        {
            using var _ = await client.PasswordGrantAsync(email, WrongPassword);
        }

        using (var throttled = await client.PasswordGrantAsync(email))
        {
            await OAuthAssert.IsErrorAsync(throttled, HttpStatusCode.TooManyRequests, "slow_down");
        }

        using var known = await client.PostFormAsync(
            "oauth/token", [("grant_type", "password"), ("username", email), ("password", TestData.Password), ("device_token", deviceToken)]);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        var renewed = (await known.ReadJsonObjectAsync())["device_token"]!.GetValue<string>();
        Assert.StartsWith("lk_dt_", renewed, StringComparison.Ordinal);

        // A browser's device cookie and a grant's device token are one scheme: each counts for its account.
        using var browser = _server.CreateClient();
        browser.Cookie = "latchkey_device=" + renewed;
        using var login = await browser.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task SignUp_FromAnAddressWhoseLoginCounterIsExhausted_StillWorks()
    {
        using var client = _server.CreateClient();
        for (var i = 0; i < 40; i++)
        {
            using var _ = await client.LoginAsync(TestData.NewEmail(), WrongPassword);
        }

        using (var throttled = await client.LoginAsync(TestData.NewEmail(), WrongPassword))
        {
            await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_attempts");
        }

        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        Assert.Single(_server.Logs.Named("AccountCreated"));
    }

    [Fact]
    public async Task SignUp_PastTheAddressRate_Answers429WithRetryAfter_AndNeverThrottlesLogin()
    {
        await using var server = await StartAsync(("Latchkey:Throttling:SignUpsPerAddress", "3"));
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);
        await client.RegisterAsync(TestData.NewEmail());
        using (var taken = await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false))
        {
            await ProblemAssert.IsAsync(taken, HttpStatusCode.Conflict, "email_taken");
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        using (var refused = await client.PostJsonAsync("api/accounts", new { email = TestData.NewEmail(), password = TestData.Password }, csrf: false))
        {
            await ProblemAssert.IsAsync(refused, HttpStatusCode.TooManyRequests, "too_many_attempts");
            Assert.Equal(TimeSpan.FromMinutes(50), refused.Headers.RetryAfter?.Delta);
        }

        Assert.Single(server.Logs.Named("ThrottledAttempt"), e => e["KeyKind"] == "SignUp");

        // Sign-ups, taken or refused, do not count against logging in, from this address or to the account.
        using (var login = await client.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        _time.Advance(TimeSpan.FromMinutes(50));
        await client.RegisterAsync(TestData.NewEmail());
    }

    private async Task<LatchkeyTestServer> StartAsync(params (string Key, string Value)[] settings)
    {
        var options = new TestServerOptions { Time = _time };
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        return await LatchkeyTestServer.StartAsync(options);
    }

    // Registers the account and logs in from a fresh client; returns the device cookie as a Cookie header.
    private async Task<string> SignUpAndGetDeviceCookieAsync(string email)
    {
        using var client = _server.CreateClient();
        await client.RegisterAsync(email);
        return await LoginForDeviceCookieAsync(email);
    }

    private async Task<string> LoginForDeviceCookieAsync(string email)
    {
        using var client = _server.CreateClient();
        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return LatchkeyTestClient.DeviceSetCookie(login)!.Split(';')[0];
    }

    // Wrong passwords from an unknown device until the account's counter refuses even the right one.
    private async Task ExhaustAccountAsync(string email, LatchkeyTestClient? client = null)
    {
        using var fresh = client is null ? _server.CreateClient() : null;
        var attacker = client ?? fresh!;
        attacker.Cookie = null;
        for (var i = 0; i < 5 + 1; i++)
        {
            using var _ = await attacker.LoginAsync(email, WrongPassword);
        }

        using var refused = await attacker.LoginAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }
}
