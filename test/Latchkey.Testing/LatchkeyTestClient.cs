using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Latchkey.Testing;

/// <summary>
/// An HTTP client that handles the session cookie by hand (so tests can read and forge it) and
/// remembers the CSRF token from the last login.
/// </summary>
public sealed class LatchkeyTestClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client for <paramref name="baseAddress"/>; TLS is accepted for the test certificate only.</summary>
    public LatchkeyTestClient(Uri baseAddress)
        : this(baseAddress, null)
    {
    }

    /// <summary>Creates a client that also tells <paramref name="secrets"/> every secret it sends or receives.</summary>
    public LatchkeyTestClient(Uri baseAddress, SecretWatch? secrets)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == TestCertificate.Instance.GetCertHashString() },
        };
        _http = new HttpClient(secrets is null ? handler : new SecretRecordingHandler(secrets, handler)) { BaseAddress = baseAddress };
    }

    /// <summary>The session cookie as <c>name=value</c>, or null.</summary>
    public string? Cookie { get; set; }

    /// <summary>The CSRF token from the last login or <c>GET /api/session</c>.</summary>
    public string? CsrfToken { get; set; }

    /// <summary>The underlying client, for raw requests.</summary>
    public HttpClient Http => _http;

    /// <summary>Creates an account and fails the test unless it answers 201.</summary>
    public async Task<JsonObject> RegisterAsync(string email, string password = TestData.Password)
    {
        using var response = await PostJsonAsync("api/accounts", new { email, password }, csrf: false);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Registration answered {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Logs in; on success keeps the cookie and CSRF token.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string email, string password = TestData.Password, string? origin = null)
    {
        var response = await PostJsonAsync("api/session", new { email, password }, csrf: false, origin: origin);
        if (response.IsSuccessStatusCode)
        {
            var body = await response.ReadJsonObjectAsync();
            CsrfToken = body["csrfToken"]!.GetValue<string>();
        }

        return response;
    }

    /// <summary>Registers and logs in; fails the test unless both succeed.</summary>
    public async Task<string> SignUpAndLoginAsync(string? email = null, string password = TestData.Password)
    {
        email ??= TestData.NewEmail();
        var account = await RegisterAsync(email, password);
        using var response = await LoginAsync(email, password);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Login answered {(int)response.StatusCode}.");
        }

        return account["id"]!.GetValue<string>();
    }

    /// <summary>Sends a request with the cookie, and the CSRF token when <paramref name="csrf"/> is set.</summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, object? json = null, bool csrf = true, string? origin = null, string? bearer = null, bool cookie = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        }

        return await SendAsync(request, csrf, origin, bearer, cookie);
    }

    /// <summary>Sends a prepared request with the cookie and, optionally, the CSRF token and an Origin.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool csrf = true, string? origin = null, string? bearer = null, bool cookie = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cookie && Cookie is not null)
        {
            request.Headers.Add("Cookie", Cookie);
        }

        if (csrf && CsrfToken is not null)
        {
            request.Headers.Add("X-CSRF-Token", CsrfToken);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var response = await _http.SendAsync(request);
        Absorb(response);
        return response;
    }

    /// <summary>POSTs JSON.</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, object json, bool csrf = true, string? origin = null) =>
        SendAsync(HttpMethod.Post, path, json, csrf, origin);

    /// <summary>GETs a path.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path, csrf: false);

    /// <summary>DELETEs a path.</summary>
    public Task<HttpResponseMessage> DeleteAsync(string path, bool csrf = true, string? origin = null) =>
        SendAsync(HttpMethod.Delete, path, csrf: csrf, origin: origin);

    /// <summary>The Set-Cookie header for the session cookie in <paramref name="response"/>, or null.</summary>
    public static string? SessionSetCookie(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.Contains("latchkey_session=", StringComparison.Ordinal))
            : null;
    }

    /// <summary>The Set-Cookie header for the device cookie in <paramref name="response"/>, or null.</summary>
    public static string? DeviceSetCookie(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.Contains("latchkey_device=", StringComparison.Ordinal))
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private void Absorb(HttpResponseMessage response)
    {
        var setCookie = SessionSetCookie(response);
        if (setCookie is null)
        {
            return;
        }

        var pair = setCookie.Split(';')[0];
        var value = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var expired = setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
        Cookie = value.Length == 0 || expired ? null : pair;
    }
}
