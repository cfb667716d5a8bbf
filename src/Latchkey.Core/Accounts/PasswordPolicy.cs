using System.Text;

namespace Latchkey.Accounts;

/// <summary>
/// Password rules after NIST SP 800-63B §3.1.1.2: a length range and nothing else; no composition
/// rules, no periodic expiry. Length counts Unicode code points after NFKC normalization.
/// </summary>
public static class PasswordPolicy
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinLength = 8;

    /// <summary>The longest password accepted.</summary>
    public const int MaxLength = 256;

    /// <summary>Checks a new password.</summary>
    /// <returns>An error message, or <see langword="null"/> when the password is acceptable.</returns>
    public static string? Validate(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "A password is required.";
        }

        // Refuse obviously oversized input before normalizing it.
        if (password.Length > MaxLength * 2)
        {
            return $"A password has at most {MaxLength} characters.";
        }

        if (!TryNormalize(password, out var normalized))
        {
            return "The password is not valid Unicode text.";
        }

        var length = CountCodePoints(normalized);
        if (length < MinLength)
        {
            return $"A password has at least {MinLength} characters.";
        }

        return length > MaxLength ? $"A password has at most {MaxLength} characters." : null;
    }

    /// <summary>
    /// Normalizes a password to NFKC so that the same typed characters always hash the same
    /// (SP 800-63B §5.1.1.2). Fails for ill-formed UTF-16 such as lone surrogates.
    /// </summary>
    public static bool TryNormalize(string password, out string normalized)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!Text.Utf16Text.IsWellFormed(password))
        {
            normalized = string.Empty;
            return false;
        }

        try
        {
            normalized = password.IsNormalized(NormalizationForm.FormKC) ? password : password.Normalize(NormalizationForm.FormKC);
            return true;
        }
        catch (ArgumentException)
        {
            normalized = string.Empty;
            return false;
        }
    }

    private static int CountCodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
