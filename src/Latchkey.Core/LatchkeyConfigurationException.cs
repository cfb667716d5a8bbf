namespace Latchkey;

/// <summary>
/// Thrown at start when a setting cannot work with what Latchkey finds: the stored data (a master secret that does
/// not decrypt the signing keys) or the chosen stores. The message is one sentence for the operator that names
/// <see cref="Key"/>, the setting to change; the Latchkey server prints it as one line, without a stack trace.
/// </summary>
public sealed class LatchkeyConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception for the setting <paramref name="key"/>.</summary>
    /// <param name="key">The configuration key to change, for example <c>Latchkey:Keys:MasterSecret</c>.</param>
    /// <param name="message">One sentence that names the key and says what to do.</param>
    /// <param name="innerException">The failure that revealed the problem, if any.</param>
    public LatchkeyConfigurationException(string key, string message, Exception? innerException = null)
        : base(message, innerException) => Key = key;

    /// <summary>Creates the exception.</summary>
    public LatchkeyConfigurationException()
        : this(string.Empty, "A Latchkey setting does not fit what the server found at start.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LatchkeyConfigurationException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public LatchkeyConfigurationException(string message, Exception innerException)
        : this(string.Empty, message, innerException)
    {
    }

    /// <summary>The configuration key to change; empty when the message names none.</summary>
    public string Key { get; }
}
