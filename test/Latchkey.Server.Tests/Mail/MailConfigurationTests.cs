using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Mail;

/// <summary>Bad <c>Latchkey:Smtp</c> and <c>Latchkey:Mail</c> settings stop the server at start, naming the key and never the password.</summary>
public sealed class MailConfigurationTests
{
    private const string Password = "smtp-password-never-shown";

    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        // Each case: the bad key, its value, and the key the failure must name.
        { "Latchkey:Smtp:Security", "Sometimes", "Latchkey:Smtp:Security" },
        { "Latchkey:Smtp:Port", "0", "Latchkey:Smtp:Port" },
        { "Latchkey:Smtp:Timeout", "00:05:00", "Latchkey:Smtp:Timeout" },
        { "Latchkey:Smtp:From", "not an address", "Latchkey:Smtp:From" },
        { "Latchkey:Smtp:UserName", "mailer", "Latchkey:Smtp:Password" },
        { "Latchkey:Mail:MaxPending", "0", "Latchkey:Mail:MaxPending" },
        { "Latchkey:Mail:MaxAttempts", "0", "Latchkey:Mail:MaxAttempts" },
        { "Latchkey:Mail:RetryDelay", "00:00:00", "Latchkey:Mail:RetryDelay" },
        { "Latchkey:Mail:PollInterval", "01:00:00", "Latchkey:Mail:PollInterval" },
        { "Latchkey:Mail:LeaseDuration", "00:00:10", "Latchkey:Mail:LeaseDuration" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Start_WithInvalidMailSetting_FailsNamingTheKey(string key, string value, string named)
    {
        var options = new TestServerOptions();
        options.Settings[key] = value;
        var messages = await StartFailure.MessagesAsync(options);
        Assert.True(messages.Contains(named, StringComparison.Ordinal), $"The start failure does not name '{named}': {messages}");
    }

    [Fact]
    public async Task Start_WithHostButNoFrom_FailsNamingFrom()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Smtp:Host"] = "smtp.example.test";
        var messages = await StartFailure.MessagesAsync(options);
        Assert.Contains("Latchkey:Smtp:From is required", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithPasswordOverUnencryptedRemoteConnection_FailsWithoutShowingThePassword()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Smtp:Host"] = "smtp.example.test";
        options.Settings["Latchkey:Smtp:From"] = "latchkey@example.test";
        options.Settings["Latchkey:Smtp:Security"] = "None";
        options.Settings["Latchkey:Smtp:UserName"] = "mailer";
        options.Settings["Latchkey:Smtp:Password"] = Password;
        var messages = await StartFailure.MessagesAsync(options);
        Assert.Contains("Latchkey:Smtp:Security=None", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithSmtpServer_SaysWhereMailGoesWithoutThePassword()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var options = new TestServerOptions();
        foreach (var (key, value) in smtp.Settings)
        {
            options.Settings[key] = value;
        }

        options.Settings["Latchkey:Smtp:UserName"] = "mailer";
        options.Settings["Latchkey:Smtp:Password"] = Password;
        await using var server = await LatchkeyTestServer.StartAsync(options);
        server.Secrets.Add("SMTP password", Password);

        var line = Assert.Single(server.Logs.Named("MailToSmtp"));
        Assert.Equal("127.0.0.1", line["Host"]);
        Assert.Equal("None", line["Security"]);
        Assert.Empty(server.Logs.Named("MailToPickupFolder"));
    }
}
