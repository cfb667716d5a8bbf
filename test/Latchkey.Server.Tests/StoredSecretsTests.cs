using System.Net;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>What reaches the database: hashes of session ids and passwords, never the secrets themselves.</summary>
public sealed class StoredSecretsTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly LatchkeyDatabase _database = new(fixture.Server.DataDirectory);

    [Fact]
    public async Task Login_StoresSha256OfCookieValueAsSessionIdHash()
    {
        using var client = _server.CreateClient();

        var userId = await client.SignUpAndLoginAsync();

        var cookieValue = CookieValue(client);
        var stored = Assert.Single(_database.SessionIdHashesOf(userId));
        Assert.Equal(32, stored.Length);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(cookieValue)), stored);
    }

    [Fact]
    public async Task Login_SessionIdHasAtLeast128BitsAndDiffersPerLogin()
    {
        var email = TestData.NewEmail();
        using var first = _server.CreateClient();
        await first.SignUpAndLoginAsync(email);
        using var second = _server.CreateClient();
        (await second.LoginAsync(email)).Dispose();

        var a = CookieValue(first);
        var b = CookieValue(second);

        Assert.NotEqual(a, b);
        // base64url: 6 bits per character.
        Assert.True(a.Length * 6 >= 128, $"Session id '{a}' is too short.");
    }

    [Fact]
    public async Task Database_AfterRegisterLoginAndPasswordChange_HoldsNoRawCookieCsrfTokenOrPassword()
    {
        using var client = _server.CreateClient();
        var password = $"canary-password-{Guid.NewGuid():N}";
        var newPassword = $"canary-new-password-{Guid.NewGuid():N}";
        var userId = await client.SignUpAndLoginAsync(password: password);
        using (var change = await client.PostJsonAsync("api/account/password", new { currentPassword = password, newPassword }))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        using (var again = _server.CreateClient())
        {
            (await again.LoginAsync((await Email(client))!, newPassword)).Dispose();
        }

        var secrets = new[] { CookieValue(client), client.CsrfToken!, password, newPassword };
        foreach (var (table, column, value) in _database.AllValues())
        {
            var text = value switch
            {
                string s => s,
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                _ => null,
            };
            if (text is null)
            {
                continue;
            }

            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{table}.{column} holds a secret.");
            }
        }

        foreach (var secret in secrets)
        {
            Assert.False(_database.FilesContain(secret), "The database files hold a secret.");
        }

        Assert.StartsWith("$argon2id$", _database.PasswordHashOf(userId), StringComparison.Ordinal);
    }

    private static string CookieValue(LatchkeyTestClient client)
    {
        var cookie = client.Cookie ?? throw new InvalidOperationException("The client has no session cookie.");
        return cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    private static async Task<string?> Email(LatchkeyTestClient client)
    {
        using var me = await client.GetAsync("api/me");
        return (await me.ReadJsonObjectAsync())["email"]?.GetValue<string>();
    }
}
