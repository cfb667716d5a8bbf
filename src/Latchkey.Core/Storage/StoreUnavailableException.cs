namespace Latchkey.Storage;

/// <summary>
/// Thrown by a store when its backend does not answer. The HTTP layer answers 503 with the code
/// <c>store_unavailable</c>, so that a failing store never lets a request in and never shows as 500.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException()
        : base("A Latchkey store is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the backend's exception.</summary>
    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
