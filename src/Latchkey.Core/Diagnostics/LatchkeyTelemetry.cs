using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Latchkey.Diagnostics;

/// <summary>
/// The names a host subscribes to: the meter of <see cref="LatchkeyMetrics"/> and the <see cref="ActivitySource"/> of
/// Latchkey's spans (sign-in, refresh, password hashing, each store call). docs/observability.md describes both.
/// </summary>
public static class LatchkeyTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string MeterName = "Latchkey";

    /// <summary>The name of the activity source (the same as the meter's).</summary>
    public const string ActivitySourceName = MeterName;

    private static readonly ConcurrentDictionary<(string Store, string File, string Member), StoreOperationTags> StoreOperations = new();

    /// <summary>The version reported with the meter and the spans: the assembly's.</summary>
    public static string Version { get; } = typeof(LatchkeyTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Latchkey's spans. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null, at no cost, while nobody listens.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, Version);

    /// <summary>
    /// The tags and span name of one store operation, made once per call site: <paramref name="callerFile"/>
    /// <c>…/RelationalSessionStore.cs</c> and <paramref name="callerMember"/> <c>FindAsync</c> on <c>sqlite</c> give the
    /// operation <c>session.find</c>.
    /// </summary>
    /// <param name="store">The store's short name: <c>sqlite</c>, <c>postgresql</c>, <c>redis</c>.</param>
    /// <param name="callerFile">The calling source file (<c>[CallerFilePath]</c>); its name names the store type.</param>
    /// <param name="callerMember">The calling method (<c>[CallerMemberName]</c>).</param>
    public static StoreOperationTags StoreOperation(string store, string callerFile, string callerMember) =>
        StoreOperations.TryGetValue((store, callerFile, callerMember), out var tags)
            ? tags
            : StoreOperations.GetOrAdd((store, callerFile, callerMember), static key => new StoreOperationTags(key.Store, OperationName(key.File, key.Member)));

    /// <summary><c>RefreshToken</c> as <c>refresh_token</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    // "…/RelationalRefreshTokenStore.cs" + "RotateAsync" → "refresh_token.rotate"; the backend's name and "Store" say nothing here.
    private static string OperationName(string file, string member)
    {
        var type = Path.GetFileNameWithoutExtension(file.Replace('\\', '/'));
        foreach (var prefix in (string[])["Relational", "Redis", "Sqlite", "PostgreSql"])
        {
            if (type.Length > prefix.Length && type.StartsWith(prefix, StringComparison.Ordinal))
            {
                type = type[prefix.Length..];
                break;
            }
        }

        if (type.Length > "Store".Length && type.EndsWith("Store", StringComparison.Ordinal))
        {
            type = type[..^"Store".Length];
        }

        var method = member.EndsWith("Async", StringComparison.Ordinal) && member.Length > "Async".Length ? member[..^"Async".Length] : member;
        return SnakeCase(type) + "." + SnakeCase(method);
    }
}
