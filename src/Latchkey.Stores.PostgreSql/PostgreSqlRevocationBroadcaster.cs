using Latchkey.Revocation;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Latchkey.Stores.PostgreSql;

/// <summary>
/// Revocations between nodes over PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>, for clusters without Redis.
/// One connection per node listens; after it drops, the node reconnects, resynchronizes from the store
/// (notifications sent meanwhile are lost), and listens again.
/// </summary>
public sealed class PostgreSqlRevocationBroadcaster : IRevocationBroadcaster, IAsyncDisposable
{
    private const string Channel = "latchkey_revocations";
    private readonly PostgreSqlConnectionString _connectionString;
    private readonly ILogger<PostgreSqlRevocationBroadcaster> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private NpgsqlDataSource? _dataSource;
    private Task? _listener;

    /// <summary>Creates the broadcaster.</summary>
    public PostgreSqlRevocationBroadcaster(PostgreSqlConnectionString connectionString, ILogger<PostgreSqlRevocationBroadcaster> logger)
    {
        _connectionString = connectionString;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task PublishAsync(RevocationEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("payload", RevocationMessage.Format(entry));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The entry is in the store already; other nodes pick it up when they resynchronize.
            Log.PublishFailed(_logger, ex);
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(Action<RevocationEntry> received, Func<CancellationToken, Task> resynchronize, CancellationToken cancellationToken)
    {
        _listener ??= Task.Run(() => ListenAsync(received, resynchronize, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private NpgsqlDataSource DataSource => _dataSource ??= NpgsqlDataSource.Create(_connectionString.Value);

    private async Task ListenAsync(Action<RevocationEntry> received, Func<CancellationToken, Task> resynchronize, CancellationToken stopping)
    {
        var first = true;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (RevocationMessage.TryParse(e.Payload, out var entry))
                    {
                        received(entry!);
                    }
                };
                await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                if (!first)
                {
                    await resynchronize(stopping).ConfigureAwait(false);
                    Log.Resynchronized(_logger);
                }

                first = false;
                while (!stopping.IsCancellationRequested)
                {
                    await connection.WaitAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ListenFailed(_logger, ex);
                first = false;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
