namespace Latchkey.Tokens;

/// <summary>The JOSE header members <see cref="AccessTokenValidator"/> reads, as flags: each may appear once.</summary>
[Flags]
internal enum JwsHeaderMembers
{
    /// <summary>No member.</summary>
    None = 0,

    /// <summary><c>alg</c>.</summary>
    Algorithm = 1 << 0,

    /// <summary><c>kid</c>.</summary>
    KeyId = 1 << 1,

    /// <summary><c>typ</c>.</summary>
    Type = 1 << 2,
}
