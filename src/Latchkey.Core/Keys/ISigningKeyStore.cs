namespace Latchkey.Keys;

/// <summary>Durable storage of signing keys, shared by every node of a cluster.</summary>
public interface ISigningKeyStore
{
    /// <summary>All stored keys, in sequence order.</summary>
    Task<IReadOnlyList<StoredSigningKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a key unless one with the same sequence exists.</summary>
    /// <returns><see langword="false"/> when another node added that sequence first; nothing is written then.</returns>
    Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken);

    /// <summary>Deletes the keys with sequence below <paramref name="sequence"/>.</summary>
    Task<int> DeleteBeforeAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>Deletes the keys with sequence from <paramref name="fromSequence"/> and below <paramref name="beforeSequence"/>.</summary>
    Task<int> DeleteRangeAsync(long fromSequence, long beforeSequence, CancellationToken cancellationToken);
}
