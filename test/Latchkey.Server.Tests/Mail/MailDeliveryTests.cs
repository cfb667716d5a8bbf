using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Latchkey.Accounts;
using Latchkey.Mail;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Latchkey.Server.Tests.Mail;

/// <summary>
/// The outbox end to end: a real server (in-process Kestrel host on SQLite or PostgreSQL) queues messages and
/// its delivery service hands them to a real SMTP server in the test process, or to the pickup folder.
/// </summary>
public sealed class MailDeliveryTests
{
    private const string Recipient = "ada@example.test";

    // Retries and polls in fractions of a second, so that recoveries show within a test's patience.
    private static readonly Dictionary<string, string> FastRetries = new()
    {
        ["Latchkey:Mail:RetryDelay"] = "00:00:00.200",
        ["Latchkey:Mail:MaxRetryDelay"] = "00:00:00.500",
        ["Latchkey:Mail:PollInterval"] = "00:00:00.200",
        ["Latchkey:Mail:MaxAttempts"] = "100",
    };

    [Fact]
    public async Task Enqueue_WithSmtp_DeliversTextAndHtmlWithTheTemplatesSubject()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(smtp);

        await EnqueueResetAsync(server, "https://latchkey.test/reset#t=<abc&def>");

        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal([Recipient], mail.To);
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Contains("https://latchkey.test/reset#t=<abc&def>", mail.Text, StringComparison.Ordinal);
        Assert.Contains("expires in 30 minutes", mail.Text, StringComparison.Ordinal);
        Assert.Contains(Recipient, mail.Text, StringComparison.Ordinal);

        // The HTML part carries the value encoded, never as markup.
        Assert.Contains("https://latchkey.test/reset#t=&lt;abc&amp;def&gt;", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<abc&def>", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplateOverride_InDataDirectory_ReplacesTheBuiltInParts()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        var templates = Directory.CreateDirectory(Path.Combine(dataDirectory, "templates")).FullName;
        await File.WriteAllTextAsync(Path.Combine(templates, "password-reset.subject.txt"), "ACME: new password for {{email}}\n");
        await File.WriteAllTextAsync(Path.Combine(templates, "password-reset.txt"), "ACME text {{link}} {{unknownPlaceholder}}end");
        await File.WriteAllTextAsync(Path.Combine(templates, "password-reset.html"), "<p>ACME html {{link}}</p>");
        await using var server = await StartAsync(smtp, dataDirectory);

        await EnqueueResetAsync(server, "https://latchkey.test/r?a=1&b=2");

        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal($"ACME: new password for {Recipient}", mail.Subject);
        Assert.Equal("ACME text https://latchkey.test/r?a=1&b=2 end", mail.Text?.TrimEnd());
        Assert.Equal("<p>ACME html https://latchkey.test/r?a=1&amp;b=2</p>", mail.Html?.TrimEnd());

        // A placeholder without a value renders empty and is reported by name, once.
        var missing = Assert.Single(server.Logs.Named("MailPlaceholderMissing"));
        Assert.Equal("unknownPlaceholder", missing["Placeholder"]);
    }

    [Fact]
    public async Task NoSmtpConfigured_WritesEmlToPickupFolder_AndSaysSoAtStart()
    {
        await using var server = await LatchkeyTestServer.StartAsync(WithSettings(FastRetries));
        var folder = Path.Combine(server.DataDirectory, "mail");
        var announcement = Assert.Single(server.Logs.Named("MailToPickupFolder"));
        Assert.Equal(LogLevel.Information, announcement.Level);
        Assert.Equal(folder, announcement["Folder"]);

        await EnqueueResetAsync(server, "https://latchkey.test/reset#pickup");

        var file = await PollAsync(() => Directory.GetFiles(folder, "*.eml").SingleOrDefault());
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        Assert.Equal("Reset your password", message.Subject);
        Assert.Equal(Recipient, message.To.Mailboxes.Single().Address);
        Assert.Contains("https://latchkey.test/reset#pickup", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://latchkey.test/reset#pickup", message.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    [Fact]
    public async Task SmtpDown_EnqueueSucceeds_AndTheMessageIsSentOnceWhenSmtpReturns()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        await using var server = await StartAsync(smtp);

        await EnqueueResetAsync(server, "https://latchkey.test/reset#down");

        // Attempts fail while the server is down; the message waits in the outbox.
        await PollAsync(() => server.Logs.Named("MailDeliveryFailed").Count >= 2 ? "failed" : null);
        Assert.Equal(1, await server.App.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default));
        Assert.DoesNotContain(server.Logs.Named("MailDeliveryFailed"), e => e.Text.Contains(Recipient, StringComparison.OrdinalIgnoreCase));

        await smtp.StartAgainAsync();
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Contains("https://latchkey.test/reset#down", mail.Text, StringComparison.Ordinal);

        // Delivered messages leave the outbox, and nothing is sent twice.
        await PollAsync(async () => await server.App.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default) == 0 ? "empty" : null);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task SmtpDownBeyondMaxAttempts_DropsTheMessageWithAWarningNamingItsIdOnly()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        await using var server = await StartAsync(smtp, settings: new Dictionary<string, string> { ["Latchkey:Mail:MaxAttempts"] = "3" });

        await EnqueueResetAsync(server, "https://latchkey.test/reset#dropped");

        var dropped = await PollAsync(() => server.Logs.Named("MailDropped").SingleOrDefault());
        Assert.Equal(LogLevel.Warning, dropped.Level);
        Assert.Equal("3", dropped["Attempts"]);
        Assert.Equal(2, server.Logs.Named("MailDeliveryFailed").Count);
        Assert.DoesNotContain(Recipient, dropped.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("dropped", dropped["MessageId"] ?? "dropped", StringComparison.Ordinal);

        // The warning is written just before the row is deleted; on a busy machine the delete lands a moment later.
        await PollAsync(async () => await server.App.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default) == 0 ? "empty" : null);
    }

    [Fact]
    public async Task SmtpHanging_EnqueueReturnsWhileTheDeliveryAttemptIsStillWaiting()
    {
        // A mail server that accepts connections and never answers: each attempt waits for the SMTP timeout.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var server = await StartAsync(
            smtp,
            settings: new Dictionary<string, string> { ["Latchkey:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture), ["Latchkey:Smtp:Timeout"] = "00:01:00" });

        await EnqueueResetAsync(server, "https://latchkey.test/reset#hanging");
        using var attempt = await blackHole.AcceptTcpClientAsync();

        // The delivery attempt holds its connection open while a second enqueue completes, and nothing failed yet:
        // queueing does not wait for the mail server.
        await EnqueueResetAsync(server, "https://latchkey.test/reset#hanging-2");
        Assert.Equal(2, await server.App.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default));
        Assert.Empty(server.Logs.Named("MailDeliveryFailed"));
        Assert.True(attempt.Connected);
    }

    [Fact]
    public async Task PendingMessage_SurvivesARestart_AndIsSentAfter()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        var first = await StartAsync(smtp, dataDirectory);
        await EnqueueResetAsync(first, "https://latchkey.test/reset#restart");
        await first.StopAsync();

        await smtp.StartAgainAsync();
        await using var second = await StartAsync(smtp, dataDirectory);
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Contains("https://latchkey.test/reset#restart", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmtpDown_SignUpAndReset_SurviveAServerRestart_EachMailArrivesOnce_AndTheLinksWork()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        var outbox = new LatchkeyDatabase(dataDirectory);

        // Retries a second or two apart, so that the restart can fall between two attempts (see below).
        string[] arguments =
        [
            .. smtp.Arguments,
            "--Latchkey:Mail:RetryDelay=00:00:02",
            "--Latchkey:Mail:MaxRetryDelay=00:00:02",
            "--Latchkey:Mail:PollInterval=00:00:00.200",
        ];
        var email = TestData.NewEmail();

        await using (var first = await ServerProcess.StartAsync(dataDirectory, arguments))
        {
            using var client = first.CreateClient();
            await client.RegisterAsync(email);
            using (var reset = await client.PostJsonAsync("api/password-reset", new { email }, csrf: false))
            {
                Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
            }

            // The reset mail is queued after the 202 answer (off the request path): wait until it is in the store,
            // both messages have failed once, and neither is in the middle of an attempt. A process killed mid-attempt
            // would leave its lease behind, and the message would wait out Latchkey:Mail:LeaseDuration (a minute at least).
            await PollAsync(() => outbox.OutboxRows() is { Count: 2 } rows
                && rows.All(r => r.Attempts >= 1 && r.LeaseUntil < TimeProvider.System.GetUtcNow() && r.NextAttemptAt > TimeProvider.System.GetUtcNow().AddMilliseconds(500))
                ? "queued and waiting" : null);
            await first.KillAsync();
        }

        // The restarted server tries again (SMTP still down): every message is still there, and failing.
        var attemptsBefore = outbox.OutboxRows().Max(r => r.Attempts);
        await using var second = await ServerProcess.StartAsync(dataDirectory, arguments);
        await PollAsync(() => outbox.OutboxRows() is { Count: 2 } rows && rows.All(r => r.Attempts > attemptsBefore && r.LeaseUntil < TimeProvider.System.GetUtcNow()) ? "retried" : null);

        await smtp.StartAgainAsync();
        await smtp.WaitForAsync(2);
        await PollAsync(() => outbox.OutboxRows().Count == 0 ? "empty" : null);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var received = smtp.Messages;
        Assert.Equal(2, received.Count);
        Assert.All(received, m => Assert.Equal([email], m.To, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(2, received.Select(m => m.MessageId).Distinct().Count());

        using var restarted = second.CreateClient();
        var verification = Accounts.AccountRecoveryTests.TokenIn(Assert.Single(received, m => m.Text!.Contains("/verify-email#token=", StringComparison.Ordinal)));
        var resetToken = Accounts.AccountRecoveryTests.TokenIn(Assert.Single(received, m => m.Text!.Contains("/reset-password#token=", StringComparison.Ordinal)));
        using (var verify = await restarted.PostJsonAsync("api/accounts/verify", new { token = verification }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);
        }

        const string NewPassword = "a password set after the outage";
        using (var complete = await restarted.PostJsonAsync("api/password-reset/complete", new { token = resetToken, newPassword = NewPassword }, csrf: false))
        {
            Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
        }

        using (var old = await restarted.LoginAsync(email))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using var login = await restarted.LoginAsync(email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task OutboxRow_HoldsNeitherRecipientNorSubjectNorBody()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        await using var server = await StartAsync(smtp);
        await EnqueueResetAsync(server, "https://latchkey.test/reset#at-rest-secret-link");

        var row = new LatchkeyDatabase(server.DataDirectory).AllValues().Where(v => v.Table == "mail_outbox").ToList();
        Assert.NotEmpty(row);
        foreach (var needle in new[] { Recipient, "at-rest-secret-link", "Reset your password", "password" })
        {
            foreach (var (_, column, value) in row)
            {
                var text = value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.DoesNotContain(needle, text ?? string.Empty, StringComparison.OrdinalIgnoreCase);
                Assert.NotNull(column);
            }
        }
    }

    [Fact]
    public async Task TwoNodesSharingPostgreSql_DeliverEveryMessageExactlyOnce()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var postgreSql = await PostgreSqlServer.GetAsync();
        var connectionString = await postgreSql.CreateDatabaseAsync();
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings:Latchkey"] = connectionString,
            ["Latchkey:Keys:MasterSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        await using var a = await StartAsync(smtp, settings: shared);
        await using var b = await StartAsync(smtp, settings: shared);

        const int Count = 40;
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => EnqueueResetAsync(i % 2 == 0 ? a : b, $"https://latchkey.test/reset#m{i}")));

        var received = await smtp.WaitForAsync(Count);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        received = smtp.Messages;
        Assert.Equal(Count, received.Count);
        Assert.Equal(Count, received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(Count, received.Select(m => m.Text!.Split('#')[1].Split('\n')[0].Trim()).Distinct().Count());
        Assert.Equal(0, await a.App.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default));
    }

    [Fact]
    public async Task PostgreSqlWithRedis_KeepsTheOutboxInPostgreSql_AndDelivers()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var postgreSql = await PostgreSqlServer.GetAsync();
        await using var server = await StartAsync(smtp, settings: new Dictionary<string, string>
        {
            ["ConnectionStrings:Latchkey"] = await postgreSql.CreateDatabaseAsync(),
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Latchkey:Keys:MasterSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });

        Assert.IsType<Latchkey.Stores.PostgreSql.PostgreSqlMailOutboxStore>(server.App.Services.GetRequiredService<IMailOutboxStore>());
        await EnqueueResetAsync(server, "https://latchkey.test/reset#redis");
        var mail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Contains("https://latchkey.test/reset#redis", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxFull_AnswersServerBusyProblemWithRetryAfter()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await smtp.StopAsync();
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(
            smtp.Settings.Concat(FastRetries).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)))
        {
            ["Latchkey:DataDirectory"] = dataDirectory,
            ["Latchkey:Mail:MaxPending"] = "2",
        });
        builder.Services.AddLatchkey(builder.Configuration).UseSqlite();
        await using var app = builder.Build();
        app.UseLatchkey(o => o.HandleAllErrors = true);
        app.MapLatchkey();
        app.MapPost("/send", async (IMailOutbox outbox, CancellationToken ct) =>
        {
            await outbox.EnqueueAsync(MailTemplates.PasswordChanged, Recipient, new Dictionary<string, string>(), null, ct);
            return Results.Accepted();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/send", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/send", null)).StatusCode);
        using var refused = await client.PostAsync("/send", null);

        await ProblemDetailsAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "server_busy");
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(2, await app.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default));

        // A deletion still happens with the outbox full: its goodbye message is a courtesy, dropped and logged.
        var accounts = app.Services.GetRequiredService<IAccountStore>();
        var now = TimeProvider.System.GetUtcNow();
        var account = new Account(Guid.NewGuid().ToString(), "leaving@example.test", "LEAVING@EXAMPLE.TEST", "$argon2id$unused", now, now);
        Assert.True(await accounts.TryCreateAsync(account, default));
        var deleted = await app.Services.GetRequiredService<AccountLifecycleService>().DeleteAsync(account.Id, new Latchkey.Security.RequestOrigin(null, null), default);
        Assert.Equal(AccountLifecycleStatus.Done, deleted.Status);
        Assert.Null(await accounts.FindByIdAsync(account.Id, default));
        Assert.Equal(2, await app.Services.GetRequiredService<IMailOutboxStore>().CountAsync(default));
        await app.StopAsync();
    }

    private static async Task EnqueueResetAsync(LatchkeyTestServer server, string link)
    {
        var outbox = server.App.Services.GetRequiredService<IMailOutbox>();
        await outbox.EnqueueAsync(
            MailTemplates.PasswordReset,
            Recipient,
            new Dictionary<string, string> { ["link"] = link, ["expiresInMinutes"] = "30" },
            accountId: null,
            CancellationToken.None);
    }

    private static Task<LatchkeyTestServer> StartAsync(TestSmtpServer smtp, string? dataDirectory = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var options = WithSettings(FastRetries.Concat(smtp.Settings).Concat(settings ?? new Dictionary<string, string>()));
        options.DataDirectory = dataDirectory;
        return LatchkeyTestServer.StartAsync(options);
    }

    private static TestServerOptions WithSettings(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var options = new TestServerOptions();
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        return options;
    }

    private static Task<T> PollAsync<T>(Func<T?> probe) where T : class => PollAsync(() => Task.FromResult(probe()));

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var i = 0; i < 300; i++)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The condition did not hold within 30 seconds.");
    }
}
