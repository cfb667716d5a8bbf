using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Storage;

namespace Latchkey.Server;

/// <summary>
/// Operator commands on an account's sessions: <c>sessions list &lt;id|email&gt;</c> and
/// <c>sessions end &lt;id|email&gt; &lt;session-id&gt;|--all</c>, each with <c>--json</c>. Ending goes through the server's
/// revocation path, so running nodes drop the sessions (and the access tokens minted from them) at once.
/// </summary>
internal static class SessionCommands
{
    private const string UsageText = """
        usage: sessions list <id|email> [--json]
               sessions end <id|email> <session-id>|--all [--json]
        (then any configuration switches, as for the server: --ConnectionStrings:Latchkey=...)
        """;

    /// <summary>Runs the command named by <paramref name="args"/> (which start with <c>sessions</c>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (action, target, session, start) = args switch
        {
            ["sessions", "list", var t, ..] when !AccountCommands.IsSwitch(t) => ("list", t, null, 3),
            ["sessions", "end", var t, "--all", ..] when !AccountCommands.IsSwitch(t) => ("end", t, null, 4),
            ["sessions", "end", var t, var s, ..] when !AccountCommands.IsSwitch(t) && !AccountCommands.IsSwitch(s) => ("end", t, s, 4),
            _ => (null, null, null, 0),
        };
        if (action is null || target is null)
        {
            await Console.Error.WriteLineAsync(UsageText);
            return AccountCommands.Usage;
        }

        var json = args.Contains("--json", StringComparer.Ordinal);
        var rest = args[start..].Where(a => a != "--json").ToArray();
        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. rest]);
        var output = new CommandOutput(json, action == "list" ? "list" : "end");
        try
        {
            var account = await CommandTargets.FindAccountAsync(app.Services, target);
            if (account is null)
            {
                await output.WriteAsync(null, "not_found", $"No account matches {target}.");
                return AccountCommands.NotFound;
            }

            var sessions = app.Services.GetRequiredService<SessionManager>();
            if (action == "list")
            {
                return await ListAsync(sessions, account, json);
            }

            var origin = new RequestOrigin(null, null);
            if (session is null)
            {
                await app.Services.GetRequiredService<UserSignOutService>().SignOutEverywhereAsync(account.Id, null, origin, CancellationToken.None);
                await output.WriteAsync(account.Id, "done", $"Account {account.Id}: signed out everywhere (sessions, refresh tokens, access tokens).");
                return AccountCommands.Done;
            }

            if (await sessions.EndByPublicIdAsync(account.Id, session, SecurityAudit.SessionEnd.EndedByOperator, origin, CancellationToken.None) is null)
            {
                await output.WriteAsync(account.Id, "not_found", $"Account {account.Id} has no live session {session}.");
                return AccountCommands.NotFound;
            }

            await output.WriteAsync(account.Id, "done", $"Session {session} of account {account.Id} ended.");
            return AccountCommands.Done;
        }
        catch (StoreUnavailableException ex)
        {
            await output.WriteAsync(null, "store_unavailable", ex.Message);
            return AccountCommands.StoreFailed;
        }
    }

    private static async Task<int> ListAsync(SessionManager sessions, Account account, bool json)
    {
        var live = await sessions.ListAsync(account.Id, CancellationToken.None);
        if (json)
        {
            var items = live.Select(s => new Dictionary<string, object?>
            {
                ["id"] = s.PublicId,
                ["createdAt"] = s.CreatedAt,
                ["lastSeenAt"] = s.LastSeenAt,
                ["absoluteExpiresAt"] = s.AbsoluteExpiresAt,
                ["userAgent"] = s.UserAgent,
                ["ip"] = s.IpAddress,
                ["amr"] = AuthenticationMethodNames.Amr(s.Methods),
            });
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, object?> { ["accountId"] = account.Id, ["sessions"] = items }));
        }
        else
        {
            foreach (var s in live)
            {
                await Console.Out.WriteLineAsync($"{s.PublicId}\t{s.CreatedAt:O}\t{s.LastSeenAt:O}\t{s.IpAddress}\t{s.UserAgent}");
            }
        }

        return AccountCommands.Done;
    }
}
