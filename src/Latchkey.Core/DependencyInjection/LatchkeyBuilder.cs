namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddLatchkey</c>; store packages hang their <c>Use…</c> methods on it, so that the
/// choice of backend reads as one chain: <c>services.AddLatchkey(…).UseSqlite()</c>.
/// </summary>
public sealed class LatchkeyBuilder
{
    /// <summary>Wraps the service collection.</summary>
    public LatchkeyBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }
}
