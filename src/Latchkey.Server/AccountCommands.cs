using System.Buffers;
using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Latchkey.Security;
using Latchkey.Storage;

namespace Latchkey.Server;

/// <summary>
/// Operator commands on accounts, run against the same configuration and stores as the server:
/// <c>accounts create &lt;email&gt; [--admin]</c> (the first operator, with a generated password shown once),
/// <c>accounts disable|enable|delete|grant-admin|revoke-admin &lt;id|email&gt;</c>, each with <c>--json</c>.
/// Revocations go through the server's broadcaster, so running PostgreSQL (and Redis) nodes hear them at once.
/// </summary>
internal static class AccountCommands
{
    /// <summary>The account was changed (or already in the state asked for).</summary>
    public const int Done = 0;

    /// <summary>A store did not answer; nothing may have changed.</summary>
    public const int StoreFailed = 1;

    /// <summary>The command line is malformed, or the email is not acceptable.</summary>
    public const int Usage = 2;

    /// <summary>No account has this id or email.</summary>
    public const int NotFound = 3;

    /// <summary>An account with this email exists already.</summary>
    public const int Conflict = 4;

    /// <summary>
    /// Whether <paramref name="arg"/> is a switch (<c>--json</c>, <c>--redirect-uri</c>, <c>--Section:Key=value</c>) rather
    /// than an operand. Key, session and client ids are base64url and may begin with dashes, even two, so a switch is known
    /// by its shape: two dashes and a lowercase name (a letter, then letters, digits and single dashes), or a
    /// configuration switch, which holds <c>:</c> or <c>=</c>. A random 16-character id has that shape less than once
    /// in ten million.
    /// </summary>
    public static bool IsSwitch(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        var name = arg.AsSpan(2);
        if (name.IndexOfAny(':', '=') >= 0)
        {
            return true;
        }

        return name.Length > 0 && char.IsAsciiLetterLower(name[0]) && name[^1] != '-'
            && !name.ContainsAnyExcept(SwitchNameChars) && !name.Contains("--", StringComparison.Ordinal);
    }

    private static readonly SearchValues<char> SwitchNameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private const string Actor = "operator (command line)";

    private static readonly string[] AdminRole = ["admin"];

    private const string UsageText = """
        usage: accounts create <email> [--admin] [--json]
               accounts find <part of an email> [--json]
               accounts disable|enable|delete|grant-admin|revoke-admin|reset-mfa <id|email> [--json]
        (then any configuration switches, as for the server: --ConnectionStrings:Latchkey=...)
        """;

    /// <summary>Runs the command named by <paramref name="args"/> (which start with <c>accounts</c>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["accounts", "create" or "find" or "disable" or "enable" or "delete" or "grant-admin" or "revoke-admin" or "reset-mfa", var target, ..]
            || IsSwitch(target))
        {
            await Console.Error.WriteLineAsync(UsageText);
            return Usage;
        }

        var action = args[1];
        var json = args.Contains("--json", StringComparer.Ordinal);
        var admin = args.Contains("--admin", StringComparer.Ordinal);
        if (admin && action != "create")
        {
            await Console.Error.WriteLineAsync(UsageText);
            return Usage;
        }

        var rest = args[3..].Where(a => a is not "--json" and not "--admin").ToArray();
        // Logs go to standard error, so that standard output holds only the command's answer (one JSON object with --json).
        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. rest]);
        var output = new CommandOutput(json, action);
        try
        {
            if (action == "create")
            {
                return await CreateAsync(app.Services, target, admin, output);
            }

            if (action == "find")
            {
                return await FindAsync(app.Services, target, json);
            }

            var account = await CommandTargets.FindAccountAsync(app.Services, target);
            if (account is null)
            {
                await output.WriteAsync(null, "not_found", $"No account matches {target}.");
                return NotFound;
            }

            var lifecycle = app.Services.GetRequiredService<AccountLifecycleService>();
            var origin = new RequestOrigin(null, null);
            switch (action)
            {
                case "disable":
                    await lifecycle.DisableAsync(account.Id, SecurityAudit.LifecycleActor.Operator, origin, CancellationToken.None);
                    break;
                case "enable":
                    await lifecycle.EnableAsync(account.Id, SecurityAudit.LifecycleActor.Operator, origin, CancellationToken.None);
                    break;
                case "delete":
                    await lifecycle.DeleteAsync(account.Id, origin, CancellationToken.None);
                    break;
                case "reset-mfa":
                    // As the admin API does: every second factor goes, and so does everything the account is signed in with.
                    await app.Services.GetRequiredService<Mfa.MfaService>().ResetAsync(account.Id, Actor, CancellationToken.None);
                    await app.Services.GetRequiredService<UserSignOutService>().SignOutEverywhereAsync(account.Id, null, origin, CancellationToken.None);
                    break;
                default:
                    var roles = action == "grant-admin" ? account.Roles | AccountRoles.Admin : account.Roles & ~AccountRoles.Admin;
                    await app.Services.GetRequiredService<IAccountStore>().SetRolesAsync(account.Id, roles, CancellationToken.None);
                    app.Services.GetRequiredService<SecurityAudit>().AccountRolesChanged(account.Id, roles, Actor);
                    break;
            }

            await output.WriteAsync(account.Id, "done", $"Account {account.Id}: {Past(action)}.");
            return Done;
        }
        catch (StoreUnavailableException ex)
        {
            await output.WriteAsync(null, "store_unavailable", ex.Message);
            return StoreFailed;
        }
    }

    // The first operator: an account made here, whose generated password is printed once (change it after signing in).
    // The operator vouches for the address, so it counts as verified.
    private static async Task<int> CreateAsync(IServiceProvider services, string email, bool admin, CommandOutput output)
    {
        var password = RandomTokens.Create(18);
        var roles = admin ? AccountRoles.Admin : AccountRoles.None;
        var result = await services.GetRequiredService<AccountService>().CreateByOperatorAsync(email, password, roles, CancellationToken.None);
        switch (result.Status)
        {
            case RegistrationStatus.EmailTaken:
                await output.WriteAsync(null, "conflict", $"An account with the email {email.Trim()} exists already (grant-admin makes it an operator).");
                return Conflict;
            case RegistrationStatus.Invalid:
            case RegistrationStatus.Throttled:
                await output.WriteAsync(null, "invalid", string.Join(" ", result.Errors?.Values.SelectMany(v => v) ?? ["The account was refused."]));
                return Usage;
        }

        var account = result.Account!;
        if (admin)
        {
            services.GetRequiredService<SecurityAudit>().AccountRolesChanged(account.Id, roles, Actor);
        }

        await output.WriteAsync(
            account.Id, "done", $"Account {account.Id} created{(admin ? " with the admin role" : string.Empty)}.",
            ("password", password), text: $"Password (shown once, change it after signing in): {password}");
        return Done;
    }

    // Every account whose address contains the text, in address order, walked page by page.
    private static async Task<int> FindAsync(IServiceProvider services, string part, bool json)
    {
        var store = services.GetRequiredService<IAccountStore>();
        var found = new List<Account>();
        string? after = null;
        while (true)
        {
            var page = await store.SearchAsync(new AccountSearch(EmailAddress.Normalize(part.Trim()), after, 200), CancellationToken.None);
            found.AddRange(page);
            if (page.Count < 200)
            {
                break;
            }

            after = page[^1].NormalizedEmail;
        }

        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(found.Select(a => new Dictionary<string, object?>
            {
                ["id"] = a.Id,
                ["email"] = a.Email,
                ["emailVerified"] = a.EmailVerifiedAt is not null,
                ["createdAt"] = a.CreatedAt,
                ["disabledAt"] = a.DisabledAt,
                ["roles"] = a.Roles.HasFlag(AccountRoles.Admin) ? AdminRole : [],
            })));
        }
        else
        {
            foreach (var a in found)
            {
                await Console.Out.WriteLineAsync($"{a.Id}\t{a.Email}\t{(a.DisabledAt is null ? "enabled" : "disabled")}\t{(a.Roles.HasFlag(AccountRoles.Admin) ? "admin" : string.Empty)}");
            }
        }

        return Done;
    }

    private static string Past(string action) => action switch
    {
        "grant-admin" => "admin role granted",
        "revoke-admin" => "admin role revoked",
        "reset-mfa" => "second factors removed, signed out everywhere",
        _ => action + "d",
    };
}

/// <summary>
/// The answer of an operator command: a sentence on standard output (errors on standard error), or with <c>--json</c> one
/// object per run, for scripts: <c>{"action","id","result","message", …}</c>.
/// </summary>
internal sealed class CommandOutput(bool json, string action)
{
    public async Task WriteAsync(string? id, string result, string message, (string Name, object? Value)? extra = null, string? text = null)
    {
        if (!json)
        {
            await (result == "done" ? Console.Out : Console.Error).WriteLineAsync(message);
            if (text is not null)
            {
                await Console.Out.WriteLineAsync(text);
            }

            return;
        }

        var output = new Dictionary<string, object?> { ["action"] = action, ["id"] = id, ["result"] = result, ["message"] = message };
        if (extra is { } member)
        {
            output[member.Name] = member.Value;
        }

        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(output));
    }
}

/// <summary>How operator commands name an account: by id, or by email when the argument has an <c>@</c>.</summary>
internal static class CommandTargets
{
    public static Task<Account?> FindAccountAsync(IServiceProvider services, string target)
    {
        var store = services.GetRequiredService<IAccountStore>();
        return target.Contains('@', StringComparison.Ordinal)
            ? store.FindByNormalizedEmailAsync(EmailAddress.Normalize(target.Trim()), CancellationToken.None)
            : store.FindByIdAsync(target, CancellationToken.None);
    }
}
