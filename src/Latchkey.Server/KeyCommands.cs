using Latchkey.Keys;

namespace Latchkey.Server;

/// <summary>Command-line key management, run against the same configuration and store as the server.</summary>
internal static class KeyCommands
{
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
}
