using Latchkey.Text;

namespace Latchkey.Accounts;

/// <summary>Validation and normalization of account email addresses.</summary>
public static class EmailAddress
{
    /// <summary>The longest address accepted (RFC 5321 §4.5.3.1.3 path limit less the brackets).</summary>
    public const int MaxLength = 254;


    /// <summary>
    /// Trims <paramref name="input"/> and checks that it looks like <c>local@domain</c>. Deliverability
    /// is not checked here; only the shape, so that obvious typos and injection attempts are refused.
    /// </summary>
    /// <returns>An error message, or <see langword="null"/> when the address is acceptable.</returns>
    public static string? Validate(string? input, out string trimmed)
    {
        trimmed = input?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return "An email address is required.";
        }

        if (trimmed.Length > MaxLength)
        {
            return $"An email address has at most {MaxLength} characters.";
        }

        if (!Utf16Text.IsWellFormed(trimmed))
        {
            return "The email address is malformed.";
        }

        // Quoted local parts (the only place a second '@' may stand) are not supported.
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == trimmed.Length - 1 || at > 64 || trimmed.IndexOf('@', at + 1) >= 0)
        {
            return "The email address is malformed.";
        }

        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or '\\' or '"' or '[' or ']')
            {
                return "The email address is malformed.";
            }
        }

        var domain = trimmed.AsSpan(at + 1);
        if (domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal) || !domain.Contains('.'))
        {
            return "The email address is malformed.";
        }

        return null;
    }

    /// <summary>Folds a trimmed address for the uniqueness check: the whole address, case-insensitively.</summary>
    public static string Normalize(string trimmed) => trimmed.ToUpperInvariant();
}
