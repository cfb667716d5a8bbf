namespace Latchkey.Accounts;

/// <summary>What an account may do beyond using its own account; stored as an integer, so values never change.</summary>
[Flags]
public enum AccountRoles
{
    /// <summary>An end user: the account API and nothing else.</summary>
    None = 0,

    /// <summary>An operator: with a session, the admin API (<c>/admin</c>) as well.</summary>
    Admin = 1,
}
