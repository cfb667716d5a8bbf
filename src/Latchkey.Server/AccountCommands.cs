using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Latchkey.Storage;

namespace Latchkey.Server;

/// <summary>
/// Operator commands on one account, run against the same configuration and stores as the server:
/// <c>accounts disable|enable|delete &lt;id|email&gt; [--json]</c>. Revocations go through the server's
/// broadcaster, so running PostgreSQL (and Redis) nodes hear them at once.
/// </summary>
internal static class AccountCommands
{
    /// <summary>The account was changed (or already in the state asked for).</summary>
    public const int Done = 0;

    /// <summary>A store did not answer; nothing may have changed.</summary>
    public const int StoreFailed = 1;

    /// <summary>The command line is malformed.</summary>
    public const int Usage = 2;

    /// <summary>No account has this id or email.</summary>
    public const int NotFound = 3;

    private const string UsageText = "usage: accounts disable|enable|delete <id|email> [--json] [configuration switches]";

    /// <summary>Runs the command named by <paramref name="args"/> (which start with <c>accounts</c>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["accounts", "disable" or "enable" or "delete", var target, ..] || target.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync(UsageText);
            return Usage;
        }

        var action = args[1];
        var json = args.Contains("--json", StringComparer.Ordinal);
        var rest = args[3..].Where(a => a != "--json").ToArray();
        // Logs go to standard error, so that standard output holds only the command's answer (one JSON object with --json).
        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. rest]);
        var store = app.Services.GetRequiredService<IAccountStore>();
        var lifecycle = app.Services.GetRequiredService<AccountLifecycleService>();
        var origin = new RequestOrigin(null, null);
        try
        {
            var account = target.Contains('@', StringComparison.Ordinal)
                ? await store.FindByNormalizedEmailAsync(EmailAddress.Normalize(target.Trim()), CancellationToken.None)
                : await store.FindByIdAsync(target, CancellationToken.None);
            var result = account is null
                ? new AccountLifecycleResult(AccountLifecycleStatus.NotFound, null)
                : action switch
                {
                    "disable" => await lifecycle.DisableAsync(account.Id, SecurityAudit.LifecycleActor.Operator, origin, CancellationToken.None),
                    "enable" => await lifecycle.EnableAsync(account.Id, SecurityAudit.LifecycleActor.Operator, origin, CancellationToken.None),
                    _ => await lifecycle.DeleteAsync(account.Id, origin, CancellationToken.None),
                };
            var found = result.Status == AccountLifecycleStatus.Done;
            await WriteAsync(json, action, account?.Id, found ? "done" : "not_found", found ? $"Account {account!.Id}: {action}d." : $"No account matches {target}.");
            return found ? Done : NotFound;
        }
        catch (StoreUnavailableException ex)
        {
            await WriteAsync(json, action, null, "store_unavailable", ex.Message);
            return StoreFailed;
        }
    }

    // The JSON form is one object per run, for scripts: {"action","id","result","message"}.
    private static async Task WriteAsync(bool json, string action, string? id, string result, string message)
    {
        if (!json)
        {
            await (result == "done" ? Console.Out : Console.Error).WriteLineAsync(message);
            return;
        }

        var output = new Dictionary<string, string?> { ["action"] = action, ["id"] = id, ["result"] = result, ["message"] = message };
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(output));
    }
}
