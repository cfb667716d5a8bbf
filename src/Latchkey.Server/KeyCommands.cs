using System.Text.Json;
using Latchkey.Keys;

namespace Latchkey.Server;

/// <summary>Command-line key management, run against the same configuration and store as the server.</summary>
internal static class KeyCommands
{
    private const string Actor = "operator (command line)";

    /// <summary>
    /// Publishes a new signing key now; it signs once <c>Latchkey:Keys:PublishAhead</c> has passed, so
    /// that verifiers caching the JWKS learn it first. The previous key keeps validating its tokens.
    /// </summary>
    public static Task<int> RotateAsync(string[] args) => OrStoreFailedAsync(args, async (app, json) =>
    {
        var manager = app.Services.GetRequiredService<KeyRingManager>();
        await manager.RefreshAsync(CancellationToken.None);
        var before = (await manager.ListAsync(CancellationToken.None)).Select(k => k.Kid).ToHashSet(StringComparer.Ordinal);
        await manager.RotateNowAsync(CancellationToken.None);

        // One new key per chain: the access-token chain, and one per other algorithm clients' ID tokens need. A chain that
        // has a pending key already gets none (the pending one is next).
        var added = (await manager.ListAsync(CancellationToken.None)).Where(k => !before.Contains(k.Kid)).ToList();
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(added.Select(Describe)));
            return AccountCommands.Done;
        }

        foreach (var next in added)
        {
            await Console.Out.WriteLineAsync($"New signing key {next.Kid} ({next.Algorithm}) published; it signs from {next.ActivatesAt:O}.");
        }

        if (added.Count == 0)
        {
            await Console.Out.WriteLineAsync("No new key: every chain has a pending key already, which signs next.");
        }

        return AccountCommands.Done;
    });

    /// <summary><c>keys list [--json]</c>: every stored key with its use and state, never a private half.</summary>
    public static Task<int> ListAsync(string[] args) => OrStoreFailedAsync(args, async (app, json) =>
    {
        var manager = app.Services.GetRequiredService<KeyRingManager>();
        await manager.RefreshAsync(CancellationToken.None);
        var keys = await manager.ListAsync(CancellationToken.None);
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(keys.Select(Describe)));
            return AccountCommands.Done;
        }

        foreach (var k in keys)
        {
            await Console.Out.WriteLineAsync($"{k.Kid}\t{k.Algorithm}\t{k.Use}\t{k.State}\tsigns from {k.ActivatesAt:O}");
        }

        return AccountCommands.Done;
    });

    /// <summary>
    /// <c>keys retire &lt;kid&gt;</c>: removes a key at once (after a compromise); tokens it signed are refused. Exit 3 when no
    /// key has this id.
    /// </summary>
    public static async Task<int> RetireAsync(string[] args)
    {
        if (args is not [var kid, ..] || AccountCommands.IsSwitch(kid))
        {
            await Console.Error.WriteLineAsync("usage: keys retire <kid> [--json] [configuration switches]");
            return AccountCommands.Usage;
        }

        return await OrStoreFailedAsync(args[1..], async (app, json) =>
        {
            var manager = app.Services.GetRequiredService<KeyRingManager>();
            await manager.RefreshAsync(CancellationToken.None);
            var (found, replacement) = await manager.RetireAsync(kid, Actor, CancellationToken.None);
            var output = new CommandOutput(json, "retire");
            if (!found)
            {
                await output.WriteAsync(kid, "not_found", $"No signing key has the id {kid}.");
                return AccountCommands.NotFound;
            }

            await output.WriteAsync(
                kid, "done",
                replacement is null ? $"Signing key {kid} retired." : $"Signing key {kid} retired; {replacement} signs in its place from now.",
                ("replacement", replacement));
            return AccountCommands.Done;
        });
    }

    private static Dictionary<string, object> Describe(SigningKeyInfo k) => new()
    {
        ["kid"] = k.Kid,
        ["algorithm"] = k.Algorithm,
        ["use"] = k.Use == SigningKeyUse.AccessTokens ? "access_tokens" : "id_tokens",
        ["state"] = k.State.ToString().ToLowerInvariant(),
        ["createdAt"] = k.CreatedAt,
        ["activatesAt"] = k.ActivatesAt,
    };

    // Builds the host (logs on standard error, so that standard output holds only the answer) and runs the command; a
    // store that does not answer exits 1, as for every operator command.
    private static async Task<int> OrStoreFailedAsync(string[] args, Func<WebApplication, bool, Task<int>> command)
    {
        var json = args.Contains("--json", StringComparer.Ordinal);
        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. args.Where(a => a != "--json")]);
        try
        {
            return await command(app, json);
        }
        catch (Storage.StoreUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"A store did not answer: {ex.Message}");
            return AccountCommands.StoreFailed;
        }
    }
}
