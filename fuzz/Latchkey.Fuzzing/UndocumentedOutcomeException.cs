namespace Latchkey.Fuzzing;

/// <summary>A parser returned without throwing, but with an outcome its contract does not allow.</summary>
public sealed class UndocumentedOutcomeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UndocumentedOutcomeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UndocumentedOutcomeException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public UndocumentedOutcomeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
