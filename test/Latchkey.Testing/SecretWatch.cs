using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Testing;

/// <summary>
/// The secrets a test run has seen (passwords, session ids, access and refresh tokens, client secrets,
/// signing keys) and a scan of log text for any of them. Values shorter than <see cref="MinLength"/> are
/// not kept: they could occur in a log by chance.
/// </summary>
public sealed class SecretWatch
{
    /// <summary>The shortest value worth looking for.</summary>
    public const int MinLength = 12;

    private static readonly string[] PasswordFields = ["password", "currentPassword", "newPassword"];
    private readonly ConcurrentDictionary<string, string> _kindByValue = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requestTargets = new();

    /// <summary>How many distinct values are watched.</summary>
    public int Count => _kindByValue.Count;

    /// <summary>The kinds of secret watched so far ("password", "session id", ...).</summary>
    public IReadOnlySet<string> Kinds => _kindByValue.Values.ToHashSet(StringComparer.Ordinal);

    /// <summary>Watches <paramref name="value"/>, named by <paramref name="kind"/> in reports (the value itself never is).</summary>
    public void Add(string kind, string? value)
    {
        if (value is { Length: >= MinLength })
        {
            _kindByValue.TryAdd(value, kind);
        }
    }

    /// <summary>Watches a token and the parts of it that are secret on their own.</summary>
    public void AddToken(string kind, string? token)
    {
        Add(kind, token);
        if (token is null)
        {
            return;
        }

        // A JWS without its signature is no credential; the signature alone betrays a logged token.
        var lastDot = token.LastIndexOf('.');
        if (lastDot > 0 && token.Count(c => c == '.') == 2)
        {
            Add(kind + " signature", token[(lastDot + 1)..]);
        }

        foreach (var marker in (string[])["_rt_", "_at_"])
        {
            var underscore = token.IndexOf(marker, StringComparison.Ordinal);
            if (underscore >= 0)
            {
                Add(kind + " without prefix", token[(underscore + 4)..]);
            }
        }
    }

    /// <summary>Watches the credential in an <c>Authorization</c> header (Bearer token, or Basic client secret).</summary>
    public void AddAuthorization(string? header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var parsed) || parsed.Parameter is null)
        {
            return;
        }

        if (parsed.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            AddToken("access token", parsed.Parameter);
        }
        else if (parsed.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            Add("client credentials (Basic)", parsed.Parameter);
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parsed.Parameter));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    Add("client secret", Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
                }
            }
            catch (FormatException)
            {
                // Not base64: nothing more to watch.
            }
        }
    }

    /// <summary>Watches session and device cookie values in a <c>Cookie</c> or <c>Set-Cookie</c> header.</summary>
    public void AddCookies(string? header)
    {
        foreach (var pair in (header ?? string.Empty).Split(';', StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair[..equals].EndsWith("latchkey_session", StringComparison.Ordinal))
            {
                Add("session id", pair[(equals + 1)..]);
            }
            else if (equals > 0 && pair[..equals].EndsWith("latchkey_device", StringComparison.Ordinal))
            {
                AddToken("device token", pair[(equals + 1)..]);
            }
        }
    }

    /// <summary>Watches the secrets in a request or response body: JSON passwords and tokens, form passwords, secrets and tokens.</summary>
    public void AddBody(string? mediaType, string body)
    {
        if (mediaType is "application/x-www-form-urlencoded")
        {
            var form = QueryHelpers.ParseQuery("?" + body);
            Add("password", form.GetValueOrDefault("password").ToString());
            Add("client secret", form.GetValueOrDefault("client_secret").ToString());
            AddToken("refresh token", form.GetValueOrDefault("refresh_token").ToString());
            AddToken("token", form.GetValueOrDefault("token").ToString());
            AddToken("device token", form.GetValueOrDefault("device_token").ToString());
            return;
        }

        if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        // JsonDocument, not JsonNode: tests send duplicate properties and broken escapes on purpose.
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var property in json.RootElement.EnumerateObject())
            {
                // Recovery codes come as an array; each one is a secret.
                if (property.Name is "recoveryCodes" && property.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (var code in property.Value.EnumerateArray())
                    {
                        Add("recovery code", code.ValueKind == JsonValueKind.String ? code.GetString() : null);
                    }

                    continue;
                }

                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var text = property.Value.GetString();
                if (PasswordFields.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    Add("password", text);
                }
                else if (property.Name is "access_token" or "refresh_token" or "device_token")
                {
                    AddToken(property.Name.Replace('_', ' '), text);
                }
                else if (property.Name is "token")
                {
                    AddToken("account token", text);
                }
                else if (property.Name is "challenge")
                {
                    AddToken("mfa challenge", text);
                }
                else if (property.Name is "secret")
                {
                    Add("totp secret", text);
                }
                else if (property.Name is "recoveryCode")
                {
                    Add("recovery code", text);
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string that is not valid UTF-16: the server refuses it without reading a password.
        }
    }

    /// <summary>
    /// Notes a request's target (path and query) as sent. A secret that a test itself puts in a URL is
    /// written by ASP.NET Core's request logging (its events, and the request-path scope around every
    /// event of the request) before any Latchkey code runs; such sightings are counted apart, while every
    /// Latchkey event's own message, fields and exception are still checked for the same value.
    /// </summary>
    public void AddRequestTarget(string? target)
    {
        if (target is { Length: >= MinLength })
        {
            _requestTargets.Enqueue(target);
        }
    }

    /// <summary>Watches a private key in the forms it could be written: DER as base64 and base64url, and hex.</summary>
    public void AddKeyBytes(string kind, ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            return;
        }

        var base64 = Convert.ToBase64String(key);
        Add(kind, base64);
        Add(kind, base64.Length > 64 ? base64[..64] : null);
        Add(kind, Base64Url.EncodeToString(key));
        Add(kind, Convert.ToHexStringLower(key));
        Add(kind, Convert.ToHexString(key));
    }

    /// <summary>Looks for every watched value in <paramref name="entries"/>.</summary>
    /// <returns>One finding per (kind of secret, event) pair; the secret values are not in it.</returns>
    public LogScanResult Scan(IReadOnlyCollection<CapturedLogEntry> entries) =>
        Scan(
            entries.SelectMany(e => (IEnumerable<(string, bool, string)>)[
                (Describe(e), e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal), e.Text),
                ($"the scopes of {Describe(e)}", true, e.Scopes)]),
            entries.Count);

    /// <summary>Looks for every watched value in raw output lines (a server process's stdout and stderr).</summary>
    public LogScanResult Scan(string output, string source)
    {
        var lines = output.Split('\n');
        return Scan(lines.Select(line => (source, false, line)), lines.Length);
    }

    private LogScanResult Scan(IEnumerable<(string Where, bool RequestLogging, string Text)> lines, int lineCount)
    {
        var secrets = _kindByValue.Keys.ToArray();
        var findings = new SortedSet<string>(StringComparer.Ordinal);
        var sentInUrls = 0;
        if (secrets.Length > 0)
        {
            // One multi-value search per line: fast enough for a class's whole log against thousands of secrets.
            var search = SearchValues.Create(secrets, StringComparison.Ordinal);
            foreach (var (where, requestLogging, text) in lines)
            {
                var rest = text.AsSpan();
                int at;
                while ((at = rest.IndexOfAny(search)) >= 0)
                {
                    foreach (var secret in secrets)
                    {
                        if (!rest[at..].StartsWith(secret, StringComparison.Ordinal))
                        {
                            continue;
                        }

                        if (requestLogging && _requestTargets.Any(t => t.Contains(secret, StringComparison.Ordinal)))
                        {
                            sentInUrls++;
                        }
                        else
                        {
                            findings.Add($"{_kindByValue[secret]} in {where}");
                        }
                    }

                    rest = rest[(at + 1)..];
                }
            }
        }

        return new LogScanResult(lineCount, secrets.Length, [.. findings], sentInUrls);
    }

    private static string Describe(CapturedLogEntry entry) =>
        $"event {entry.EventId.Id} {entry.EventId.Name ?? "(unnamed)"} ({entry.Category}, {entry.Level})";
}
