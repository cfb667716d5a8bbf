namespace Latchkey.Storage;

/// <summary>
/// Implemented by stores that know, without I/O, when their backend is disconnected. The session
/// manager then refuses to serve sessions from memory, so that requests fail closed (503) during an
/// outage instead of outliving revocations the node could not hear about.
/// </summary>
public interface IStoreAvailability
{
    /// <summary>Whether the backend is connected as far as the client knows.</summary>
    bool IsAvailable { get; }
}
