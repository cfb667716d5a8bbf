namespace Latchkey.Grants;

/// <summary>Scope strings (RFC 6749 §3.3): space-separated tokens of printable ASCII without <c>"</c> and <c>\</c>.</summary>
public static class Scopes
{
    /// <summary>The longest scope string accepted.</summary>
    public const int MaxLength = 1024;

    /// <summary>
    /// The scope that opens the admin API to a service's client-credentials token. Only a confidential client whose one
    /// grant type is <c>client_credentials</c> may hold it, so no user's token ever carries it.
    /// </summary>
    public const string Admin = "admin";

    /// <summary>Splits and checks a requested scope; duplicates are folded, order kept.</summary>
    /// <returns><see langword="false"/> when the value is malformed.</returns>
    public static bool TryParse(string? scope, out IReadOnlyList<string> tokens)
    {
        tokens = [];
        if (string.IsNullOrEmpty(scope))
        {
            return true;
        }

        if (scope.Length > MaxLength)
        {
            return false;
        }

        var list = new List<string>();
        foreach (var part in scope.Split(' '))
        {
            if (part.Length == 0)
            {
                return false;
            }

            foreach (var c in part)
            {
                if (c < 0x21 || c > 0x7E || c is '"' or '\\')
                {
                    return false;
                }
            }

            if (!list.Contains(part, StringComparer.Ordinal))
            {
                list.Add(part);
            }
        }

        tokens = list;
        return true;
    }
}
