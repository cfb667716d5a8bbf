using System.Text;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Email addresses of exact shapes.</summary>
public static class TestEmails
{
    /// <summary>A unique, well-formed address of exactly <paramref name="length"/> characters (at least 40).</summary>
    public static string OfLength(int length)
    {
        var local = "u" + Guid.NewGuid().ToString("N");
        // The domain is labels of at most 63 letters, each followed by a dot, then "com".
        var budget = length - local.Length - 1 - "com".Length;
        if (budget == 1)
        {
            local += "x";
            budget--;
        }

        var domain = new StringBuilder();
        while (budget > 0)
        {
            var chunk = Math.Min(64, budget);
            if (budget - chunk == 1)
            {
                chunk--;
            }

            domain.Append('d', chunk - 1).Append('.');
            budget -= chunk;
        }

        var email = $"{local}@{domain}com";
        return email.Length == length ? email : throw new InvalidOperationException($"Built {email.Length} characters, wanted {length}.");
    }
}
