namespace Latchkey.Testing;

/// <summary>A watched secret appeared in log output.</summary>
public sealed class SecretInLogException(string message) : Exception(message);
