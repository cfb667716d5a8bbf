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
    public static async Task<int> RotateAsync(string[] args)
    {
        await using var app = LatchkeyServer.Build(args);
        var manager = app.Services.GetRequiredService<KeyRingManager>();
        var ring = app.Services.GetRequiredService<SigningKeyRing>();
        await manager.RefreshAsync(CancellationToken.None);
        var before = ring.Keys.Select(k => k.Kid).ToHashSet(StringComparer.Ordinal);
        await manager.RotateNowAsync(CancellationToken.None);

        // One new key per chain: the access-token chain, and one per other algorithm clients' ID tokens need.
        foreach (var next in ring.Keys.Where(k => !before.Contains(k.Kid)))
        {
            await Console.Out.WriteLineAsync($"New signing key {next.Kid} ({next.Material.Algorithm}) published; it signs from {next.ActivatesAt:O}.");
        }

        return 0;
    }

    /// <summary><c>keys list [--json]</c>: every stored key with its use and state, never a private half.</summary>
    public static async Task<int> ListAsync(string[] args)
    {
        var json = args.Contains("--json", StringComparer.Ordinal);
        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. args.Where(a => a != "--json")]);
        var manager = app.Services.GetRequiredService<KeyRingManager>();
        await manager.RefreshAsync(CancellationToken.None);
        var keys = await manager.ListAsync(CancellationToken.None);
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(keys.Select(k => new Dictionary<string, object>
            {
                ["kid"] = k.Kid,
                ["algorithm"] = k.Algorithm,
                ["use"] = k.Use == SigningKeyUse.AccessTokens ? "access_tokens" : "id_tokens",
                ["state"] = k.State.ToString().ToLowerInvariant(),
                ["createdAt"] = k.CreatedAt,
                ["activatesAt"] = k.ActivatesAt,
            })));
        }
        else
        {
            foreach (var k in keys)
            {
                await Console.Out.WriteLineAsync($"{k.Kid}\t{k.Algorithm}\t{k.Use}\t{k.State}\tsigns from {k.ActivatesAt:O}");
            }
        }

        return 0;
    }

    /// <summary>
    /// <c>keys retire &lt;kid&gt;</c>: removes a key at once (after a compromise); tokens it signed are refused. Exit 3 when no
    /// key has this id.
    /// </summary>
    public static async Task<int> RetireAsync(string[] args)
    {
        if (args is not [var kid, ..] || kid.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: keys retire <kid> [configuration switches]");
            return AccountCommands.Usage;
        }

        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. args[1..]]);
        var manager = app.Services.GetRequiredService<KeyRingManager>();
        await manager.RefreshAsync(CancellationToken.None);
        var (found, replacement) = await manager.RetireAsync(kid, Actor, CancellationToken.None);
        if (!found)
        {
            await Console.Error.WriteLineAsync($"No signing key has the id {kid}.");
            return AccountCommands.NotFound;
        }

        await Console.Out.WriteLineAsync(replacement is null
            ? $"Signing key {kid} retired."
            : $"Signing key {kid} retired; {replacement} signs in its place from now.");
        return AccountCommands.Done;
    }
}
