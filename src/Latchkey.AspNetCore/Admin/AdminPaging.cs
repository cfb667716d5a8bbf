using System.Globalization;
using System.Text;
using Latchkey.Accounts;
using Latchkey.AspNetCore.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.AspNetCore.Admin;

/// <summary>
/// Keyset paging for every admin list: <c>limit</c> (1 to <see cref="MaxLimit"/>, <see cref="DefaultLimit"/> by default)
/// and <c>cursor</c>, the opaque <c>next</c> of the page before. A cursor names the last item seen, not a position, so a
/// page is never skipped or repeated when items are added or removed meanwhile.
/// </summary>
internal static class AdminPaging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>Reads <c>limit</c> and <c>cursor</c>; a malformed one is a 400 <c>validation_failed</c>.</summary>
    public static bool TryRead(HttpContext context, out int limit, out string? after, out IResult? problem)
    {
        var query = context.Request.Query;
        var errors = new ValidationErrors();
        limit = DefaultLimit;
        after = null;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors.AddIfPresent("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }

        if (query.TryGetValue("cursor", out var cursor) && !TryDecode(cursor.ToString(), out after))
        {
            errors.AddIfPresent("cursor", "cursor must be the next value of an earlier page.");
        }

        problem = errors.Count == 0 ? null : LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: errors);
        return problem is null;
    }

    /// <summary>The cursor that continues after <paramref name="lastKey"/>, or none when the page was not full.</summary>
    public static string? Next(int count, int limit, string lastKey) => count < limit ? null : WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(lastKey));

    /// <summary>One page of a list already in memory (sessions, clients, keys: a few per account or server), in key order.</summary>
    public static AdminPage<T> Slice<T>(IEnumerable<T> items, Func<T, string> key, int limit, string? after)
    {
        var page = items.Where(i => after is null || string.CompareOrdinal(key(i), after) > 0).OrderBy(key, StringComparer.Ordinal).Take(limit).ToList();
        return new AdminPage<T>(page, page.Count == 0 ? null : Next(page.Count, limit, key(page[^1])));
    }

    /// <summary>
    /// Whether <paramref name="value"/> holds no control character: no stored email, id or key id has one, and PostgreSQL
    /// refuses a NUL in text outright, which would turn bad input into a store error.
    /// </summary>
    public static bool IsPlainText(string value) => !value.AsSpan().ContainsAnyInRange('\u0000', '\u001F') && !value.Contains('\u007F', StringComparison.Ordinal);

    private static bool TryDecode(string cursor, out string? after)
    {
        after = null;
        if (cursor.Length is 0 or > 1024)
        {
            return false;
        }

        try
        {
            after = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(WebEncoders.Base64UrlDecode(cursor));
            return after.Length > 0 && IsPlainText(after);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }
    }
}
