namespace Latchkey.Storage;

/// <summary>Answers whether a backend store is reachable; feeds <c>/readyz</c>.</summary>
public interface IStoreHealth
{
    /// <summary>A short name for reports, such as <c>sqlite</c>.</summary>
    string Name { get; }

    /// <summary>Makes one cheap round trip to the store.</summary>
    /// <returns><see langword="true"/> when the store answered.</returns>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
