using Latchkey.Server.Tests.Infrastructure;
using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>Bad settings stop the server at start with a message that names the key.</summary>
public sealed class ConfigurationValidationTests
{
    public static TheoryData<string, string> InvalidSettings => new()
    {
        { "Latchkey:Sessions:IdleTimeout", "00:00:10" },
        { "Latchkey:Sessions:IdleTimeout", "00:00:59" },
        { "Latchkey:Sessions:IdleTimeout", "31.00:00:00" },
        { "Latchkey:Sessions:IdleTimeout", "half an hour" },
        { "Latchkey:Sessions:AbsoluteTimeout", "00:10:00" },
        { "Latchkey:Sessions:TouchInterval", "-00:00:01" },
        { "Latchkey:Sessions:TouchInterval", "00:30:00" },
        { "Latchkey:Sessions:PruneInterval", "00:00:00" },
        { "Latchkey:Passwords:Parallelism", "2" },
        { "Latchkey:Passwords:MemorySizeKiB", "512" },
        { "Latchkey:Passwords:Iterations", "0" },
        { "Latchkey:Passwords:Iterations", "many" },
        { "Latchkey:Passwords:MaxConcurrency", "0" },
        { "Latchkey:Passwords:MaxQueueLength", "-1" },
        { "Latchkey:Passwords:QueueTimeout", "00:02:00" },
        { "Latchkey:AllowedOrigins:0", "not-an-origin" },
        { "Latchkey:AllowedOrigins:0", "https://app.example.com/path" },
        { "Latchkey:AllowedOrigins:0", "null" },
        { "Latchkey:Network:TrustedProxies:0", "10.0.0.0/33" },
        { "Latchkey:Network:TrustedProxies:0", "proxy.example.com" },
        { "Latchkey:Network:TrustedProxies", "10.0.0.1, 10.0.0.0/8x" },
        { "Latchkey:Issuer", "ftp://x" },
        { "Latchkey:Issuer", "https://auth.example.com/?tenant=1" },
        { "Latchkey:Issuer", "auth.example.com" },
        { "Latchkey:MaxRequestBodyBytes", "100" },
        { "Latchkey:MaxRequestBodyBytes", "2000000" },
        { "Latchkey:Throttling:FreeFailuresPerAccount", "0" },
        { "Latchkey:Throttling:FreeFailuresPerAddress", "0" },
        { "Latchkey:Throttling:MaxDelay", "00:00:00.5" },
        { "Latchkey:Throttling:Window", "00:00:00" },
        { "Latchkey:Throttling:ContendedWait", "-00:00:01" },
        { "Latchkey:Throttling:ContendedWait", "00:00:31" },
        { "Latchkey:Throttling:FreeFailuresPerDevice", "0" },
        { "Latchkey:Throttling:DeviceTokenLifetime", "00:10:00" },
        { "Latchkey:Throttling:DeviceTokenLifetime", "401.00:00:00" },
        { "Latchkey:Throttling:SignUpsPerAddress", "0" },
        { "Latchkey:Throttling:SignUpWindow", "00:00:00" },
        { "Latchkey:Accounts:VerifyEmailLifetime", "00:00:00" },
        { "Latchkey:Mfa:Required", "Sometimes" },
        { "Latchkey:Mfa:ChallengeLifetime", "00:00:30" },
        { "Latchkey:Mfa:ChallengeLifetime", "01:00:00" },
        { "Latchkey:Mfa:TotpIssuer", "Acme:Corp" },
        { "Latchkey:Sessions:ReauthWindow", "00:00:30" },
        { "Latchkey:Sessions:ReauthWindow", "2.00:00:00" },
        { "Latchkey:Accounts:PasswordResetLifetime", "-00:30:00" },
        { "Latchkey:Accounts:PasswordResetLifetime", "2.00:00:00" },
        { "Latchkey:Accounts:EmailChangeLifetime", "8.00:00:00" },
        { "Latchkey:Accounts:EmailChangeUndoLifetime", "00:30:00" },
        { "Latchkey:Telemetry:Otlp:Endpoint", "collector:4317" },
        { "Latchkey:Telemetry:Otlp:Endpoint", "ftp://collector" },
        { "Latchkey:Telemetry:Prometheus:Enabled", "yes" },
        { "Latchkey:Telemetry:Prometheus:Path", "metrics" },
        { "Latchkey:Telemetry:Prometheus:Path", "/api/metrics" },
        { "Latchkey:Telemetry:Prometheus:AllowedNetworks:0", "10.0.0.0/33" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_WithInvalidSetting_FailsNamingTheKey(string key, string value)
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        var options = new TestServerOptions { DataDirectory = directory };
        options.Settings[key] = value;
        try
        {
            var messages = await StartFailure.MessagesAsync(options);
            Assert.True(messages.Contains(key, StringComparison.Ordinal), $"The start failure does not name '{key}': {messages}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Start_WithSettingsAtTheirBounds_StartsAndServes()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Sessions:IdleTimeout"] = "00:01:00";
        options.Settings["Latchkey:Sessions:AbsoluteTimeout"] = "00:01:00";
        options.Settings["Latchkey:Sessions:TouchInterval"] = "00:00:00";
        options.Settings["Latchkey:Passwords:MaxQueueLength"] = "0";
        options.Settings["Latchkey:Passwords:QueueTimeout"] = "00:01:00";
        options.Settings["Latchkey:MaxRequestBodyBytes"] = "1024";
        options.Settings["Latchkey:Issuer"] = "https://auth.example.com";
        options.Settings["Latchkey:AllowedOrigins:0"] = "https://app.example.com:8443";
        options.Settings["Latchkey:AllowedOrigins:1"] = "http://localhost:3000";
        options.Settings["Latchkey:Accounts:PasswordResetLifetime"] = "1.00:00:00";
        options.Settings["Latchkey:Accounts:EmailChangeUndoLifetime"] = "01:00:00";

        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync();
        using var me = await client.GetAsync("api/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Start_WithSeveralInvalidSettingsInOneSection_NamesEveryKey()
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        var options = new TestServerOptions { DataDirectory = directory };
        options.Settings["Latchkey:Passwords:Parallelism"] = "4";
        options.Settings["Latchkey:Passwords:Iterations"] = "0";
        options.Settings["Latchkey:Passwords:MaxConcurrency"] = "0";
        try
        {
            var messages = await StartFailure.MessagesAsync(options);
            Assert.Contains("Latchkey:Passwords:Parallelism", messages, StringComparison.Ordinal);
            Assert.Contains("Latchkey:Passwords:Iterations", messages, StringComparison.Ordinal);
            Assert.Contains("Latchkey:Passwords:MaxConcurrency", messages, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
    [Theory]
    [InlineData("client_credentials password", "shared-secret-of-sixteen-plus")]
    [InlineData("authorization_code refresh_token", "shared-secret-of-sixteen-plus")]
    [InlineData(null, null)]
    public async Task Start_WithTheAdminScopeOnAClientThatServesUsers_NamesTheKey(string? grantTypes, string? secret)
    {
        var directory = LatchkeyTestServer.NewDataDirectory();
        var options = new TestServerOptions { DataDirectory = directory };
        options.Settings["Latchkey:Clients:0:ClientId"] = "console";
        options.Settings["Latchkey:Clients:0:Scopes"] = "openid admin";
        options.Settings["Latchkey:Clients:0:RedirectUris:0"] = "https://console.example/cb";
        if (grantTypes is not null)
        {
            options.Settings["Latchkey:Clients:0:GrantTypes"] = grantTypes;
        }

        if (secret is not null)
        {
            options.Settings["Latchkey:Clients:0:ClientSecret"] = secret;
        }

        try
        {
            var messages = await StartFailure.MessagesAsync(options);
            Assert.Contains("Latchkey:Clients:0:Scopes: only a service client", messages, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
