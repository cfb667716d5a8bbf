namespace Latchkey.Revocation;

/// <summary>Durable revocation entries, so that the in-memory view survives a restart.</summary>
public interface IRevocationStore
{
    /// <summary>Adds or replaces an entry (a user's generation only ever grows).</summary>
    Task AddAsync(RevocationEntry entry, CancellationToken cancellationToken);

    /// <summary>Every entry still needed at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<RevocationEntry>> ListLiveAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes entries no longer needed.</summary>
    Task<int> PruneAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
