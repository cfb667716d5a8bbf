using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary>
/// The session cookie is read straight from the <c>Cookie</c> header lines, so these pin down the reading
/// the framework's cookie collection gave: names match without regard to case, the first occurrence wins,
/// quotes and surrounding blanks go, other cookies and several header lines are no obstacle.
/// </summary>
public sealed class SessionCookieReadingTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> Headers => new()
    {
        { "AloneAsSent", "latchkey_session={id}" },
        { "AmongOthers", "theme=dark; latchkey_session={id}; lang=en" },
        { "NameInOtherCase", "LATCHKEY_SESSION={id}" },
        { "Quoted", "latchkey_session=\"{id}\"" },
        { "BlanksAroundNameAndValue", "a=1;  latchkey_session =  {id}  ;b=2" },
        { "FirstOfTwoWins", "latchkey_session={id}; latchkey_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
        { "AfterAValuelessCookie", "flag; latchkey_session={id}" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task Me_WithTheSessionCookieIn(string name, string header)
    {
        using var client = _server.CreateClient();
        var userId = await client.SignUpAndLoginAsync();
        var id = client.Cookie!["latchkey_session=".Length..];

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.TryAddWithoutValidation("Cookie", header.Replace("{id}", id, StringComparison.Ordinal));
        using var response = await client.Http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {response.StatusCode}");
        Assert.Equal(userId, (await response.ReadJsonObjectAsync())["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("latchkey_session_other={id}")]
    [InlineData("xlatchkey_session={id}")]
    [InlineData("latchkey_session=")]
    [InlineData("latchkey_session")]
    [InlineData("latchkey_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; latchkey_session={id}")]
    [InlineData("__Host-latchkey_session={id}")]
    public async Task Me_WithoutTheSessionCookieAsPlainHttpNamesIt_IsUnauthenticated(string header)
    {
        using var client = _server.CreateClient();
        await client.SignUpAndLoginAsync();
        var id = client.Cookie!["latchkey_session=".Length..];

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.TryAddWithoutValidation("Cookie", header.Replace("{id}", id, StringComparison.Ordinal));
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
