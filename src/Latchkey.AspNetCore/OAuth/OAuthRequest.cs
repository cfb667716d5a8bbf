using System.Text;
using Latchkey.Clients;
using Latchkey.Grants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// A parsed OAuth endpoint request: its form parameters (each at most once, RFC 6749 §3.2) and the
/// client credentials from HTTP Basic or the form, never both (RFC 6749 §2.3).
/// </summary>
internal sealed class OAuthRequest
{
    private const int MaxParameters = 32;
    private const int MaxKeyLength = 64;
    private readonly IFormCollection _form;

    private OAuthRequest(IFormCollection form, string? clientId, string? clientSecret, bool usedBasic)
    {
        _form = form;
        ClientId = clientId;
        ClientSecret = clientSecret;
        UsedBasic = usedBasic;
    }

    public string? ClientId { get; }

    public string? ClientSecret { get; }

    public bool UsedBasic { get; }

    public bool HasClientCredentials => ClientSecret is not null;

    // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
    public string? this[string name] => _form[name] is { Count: 1 } value && !string.IsNullOrEmpty(value[0]) ? value[0] : null;

    /// <summary>Reads the request, or returns the error to answer with.</summary>
    public static async Task<(OAuthRequest? Request, IResult? Error)> ReadAsync(HttpContext context, int maxBytes)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OAuthResponses.Error(OAuthErrors.InvalidRequest, "The body must be application/x-www-form-urlencoded."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, OAuthResponses.Error(OAuthErrors.InvalidRequest, "The request body is too large."));
        }

        FormCollection form;
        try
        {
            // FormReader, unlike HttpRequest.ReadFormAsync, decodes %00 like any other escape, so a token
            // value holding a NUL is one more unknown token (RFC 7009: revoke still answers 200).
            using var reader = new FormReader(request.Body, Encoding.UTF8)
            {
                ValueCountLimit = MaxParameters,
                KeyLengthLimit = MaxKeyLength,
                ValueLengthLimit = maxBytes,
            };
            form = new FormCollection(await reader.ReadFormAsync(context.RequestAborted));
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, OAuthResponses.Error(OAuthErrors.InvalidRequest, "The form body is malformed or too large."));
        }

        foreach (var (key, value) in form)
        {
            if (value.Count > 1)
            {
                return (null, OAuthResponses.Error(OAuthErrors.InvalidRequest, $"The parameter '{key}' is repeated."));
            }
        }

        string? clientId = form["client_id"] is { Count: 1 } id && !string.IsNullOrEmpty(id[0]) ? id[0] : null;
        string? clientSecret = form["client_secret"] is { Count: 1 } secret && !string.IsNullOrEmpty(secret[0]) ? secret[0] : null;
        var usedBasic = false;
        if (request.Headers.Authorization is { Count: > 0 } authorization)
        {
            if (!TryParseBasic(authorization, out var basicId, out var basicSecret))
            {
                return (null, OAuthResponses.Error(OAuthErrors.InvalidClient, "The Authorization header is not valid HTTP Basic client authentication.", basicChallenge: true));
            }

            if (clientSecret is not null)
            {
                return (null, OAuthResponses.Error(OAuthErrors.InvalidRequest, "Use one client authentication method, not two."));
            }

            if (clientId is not null && clientId != basicId)
            {
                return (null, OAuthResponses.Error(OAuthErrors.InvalidRequest, "client_id differs from the authenticated client."));
            }

            (clientId, clientSecret, usedBasic) = (basicId, basicSecret, true);
        }

        return (new OAuthRequest(form, clientId, clientSecret, usedBasic), null);
    }

    /// <summary>Authenticates the client, if the request carries credentials; wrong ones are throttled like wrong passwords.</summary>
    /// <returns>The client; null with no error when no credentials were given; an error when they are wrong or throttled.</returns>
    public async Task<(RegisteredClient? Client, IResult? Error)> AuthenticateClientAsync(ClientAuthenticator clients, HttpContext context)
    {
        if (ClientSecret is null)
        {
            return (null, null);
        }

        var result = await clients.AuthenticateAsync(ClientId, ClientSecret, context.Connection.RemoteIpAddress, context.RequestAborted);
        if (result.IsThrottled)
        {
            return (null, OAuthResponses.Error(OAuthErrors.SlowDown, "Too many failed client authentications; wait before trying again.", result.RetryAfter));
        }

        return result.Client is null
            ? (null, OAuthResponses.Error(OAuthErrors.InvalidClient, "Client authentication failed.", basicChallenge: UsedBasic))
            : (result.Client, null);
    }

    // RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined and base64-encoded.
    internal static bool TryParseBasic(StringValues header, out string? clientId, out string? clientSecret)
    {
        clientId = null;
        clientSecret = null;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || value.Length > 4096)
        {
            return false;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            clientSecret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
