using Microsoft.Extensions.Hosting;

namespace Latchkey.Stores.Relational;

/// <summary>Migrates the database before the server takes requests, so that a broken or unreachable database fails the start.</summary>
/// <typeparam name="TDatabase">The backend's database type.</typeparam>
public sealed class DatabaseInitializer<TDatabase>(TDatabase database) : IHostedService
    where TDatabase : RelationalDatabase
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
