namespace Latchkey.Passwords;

/// <summary>The outcome of checking a password against a stored hash.</summary>
public enum PasswordVerificationResult
{
    /// <summary>The password does not match (or the stored hash is unreadable).</summary>
    Failed,

    /// <summary>The password matches and the hash uses the configured parameters.</summary>
    Success,

    /// <summary>The password matches but the hash is weaker than configured; store a new one.</summary>
    SuccessRehashNeeded,
}
