using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Latchkey.Testing;

namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>Obtains real tokens from a Latchkey server over HTTP, as a client would.</summary>
public static class LatchkeyTokens
{
    /// <summary>A service client that may read and write reports.</summary>
    public const string ReporterId = "reporter";

    public const string ReporterSecret = "reporter-secret-0123456789";

    /// <summary>A service client without any reports scope.</summary>
    public const string MailerId = "mailer";

    public const string MailerSecret = "mailer-secret-0123456789";

    /// <summary>Declares the two service clients in the server's configuration.</summary>
    public static void DeclareClients(TestServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Latchkey:Clients:0:ClientId"] = ReporterId;
        options.Settings["Latchkey:Clients:0:ClientSecret"] = ReporterSecret;
        options.Settings["Latchkey:Clients:0:Scopes"] = "reports:read reports:write";
        options.Settings["Latchkey:Clients:1:ClientId"] = MailerId;
        options.Settings["Latchkey:Clients:1:ClientSecret"] = MailerSecret;
        options.Settings["Latchkey:Clients:1:Scopes"] = "mail:send";
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "100000";
    }

    /// <summary>Registers a fresh account and runs the password grant; returns the access token and the account id.</summary>
    public static async Task<(string Token, string AccountId)> PasswordGrantAsync(LatchkeyTestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        var account = await client.RegisterAsync(email);
        var token = await TokenAsync(client.Http, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = TestData.Password,
        }, basic: null);
        return (token, account["id"]!.GetValue<string>());
    }

    /// <summary>Runs the client-credentials grant with HTTP Basic client authentication.</summary>
    public static async Task<string> ClientCredentialsAsync(LatchkeyTestServer server, string clientId, string secret, string? scope = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var client = server.CreateClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}"));
        return await TokenAsync(client.Http, form, new AuthenticationHeaderValue("Basic", basic));
    }

    private static async Task<string> TokenAsync(HttpClient http, Dictionary<string, string> form, AuthenticationHeaderValue? basic)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request);
        var body = await response.ReadJsonObjectAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }

        return body["access_token"]!.GetValue<string>();
    }
}
