namespace Latchkey.Accounts;

/// <summary>
/// Thrown by a store when a write names an account (or a row of one, such as a refresh-token family) that
/// was deleted meanwhile: a login or refresh that raced a deletion. Hosts answer it like an unknown account
/// (401, or <c>invalid_grant</c> at the token endpoint), never 500.
/// </summary>
public sealed class AccountGoneException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccountGoneException()
        : base("The account was deleted meanwhile.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AccountGoneException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's exception.</summary>
    public AccountGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
