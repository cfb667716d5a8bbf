using Latchkey.Keys;
using Microsoft.Extensions.Options;

namespace Latchkey.Server;

/// <summary>
/// What the host would otherwise find only while it starts, and log with a stack trace: checked before it starts,
/// so that <see cref="StartupErrors"/> reports each problem as one line.
/// </summary>
internal static class StartupChecks
{
    /// <summary>
    /// Checks every option registered for validation at start, before anything reads one (building the pipeline
    /// reads some), so that the failures of every options class are reported together.
    /// </summary>
    public static void ValidateOptions(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>
    /// Loads the signing keys, which the master secret must decrypt. On first start this creates the first key (and
    /// migrates the store), as the host's start would a moment later.
    /// </summary>
    public static Task LoadSigningKeysAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<KeyRingManager>().RefreshAsync(cancellationToken);
}
