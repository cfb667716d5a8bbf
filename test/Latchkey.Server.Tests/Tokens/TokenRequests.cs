using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>Token requests over HTTP: the password grant, and bearer calls with the header sent exactly as given.</summary>
internal static class TokenRequests
{
    /// <summary>
    /// <c>POST /oauth/token</c> with <c>grant_type=password</c>; fails the test unless it answers 200.
    /// Returns the answer's JSON (<c>access_token</c>, <c>refresh_token</c>, ...).
    /// </summary>
    public static async Task<JsonObject> PasswordGrantJsonAsync(this LatchkeyTestClient client, string username, string password = TestData.Password)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "password"),
            new("username", username),
            new("password", password),
        ]);
        using var response = await client.Http.PostAsync("oauth/token", form);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The password grant answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Registers an account and returns an access token for it from the password grant.</summary>
    public static async Task<(string UserId, string AccessToken)> SignUpForTokenAsync(this LatchkeyTestClient client, string? email = null)
    {
        email ??= TestData.NewEmail();
        var account = await client.RegisterAsync(email);
        var grant = await client.PasswordGrantJsonAsync(email);
        return (account["id"]!.GetValue<string>(), grant["access_token"]!.GetValue<string>());
    }

    /// <summary>
    /// <c>GET <paramref name="path"/></c> with <c>Authorization: Bearer {token}</c> written verbatim (no header
    /// validation), so that malformed tokens reach the server as they are.
    /// </summary>
    public static async Task<HttpResponseMessage> GetWithBearerAsync(this HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await http.SendAsync(request);
    }
}
