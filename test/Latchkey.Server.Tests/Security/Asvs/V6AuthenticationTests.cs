using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Security.Asvs;

/// <summary>ASVS 5.0 V6 (authentication): password handling attacks not shown elsewhere.</summary>
public sealed partial class V6AuthenticationTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private readonly LatchkeyTestServer _server = fixture.Server;

    public static TheoryData<string, string> AnyComposition => new()
    {
        { "OnlyLowerCaseLetters", "zzzzzzzzzz" },
        { "OnlyDigits", "4815162342" },
        { "SpacesInside", "a b c d e f g" },
        { "Cyrillic", "секретный ключ" },
        { "Emoji", "🔑🔑🔑🔑🔑🔑🔑🔑" },
        { "Symbols", "!@#$%^&*()_+{}" },
    };

    // 6.2.5: no composition rules.
    [Theory]
    [MemberData(nameof(AnyComposition))]
    public async Task Register_WithPasswordOfAnyComposition_Returns201AndLogsIn(string name, string password)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        await client.RegisterAsync(email, password);
        using var login = await client.LoginAsync(email, password);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    // 6.2.8: the password is checked as received, never truncated.
    [Fact]
    public async Task Login_WithLongPasswordDifferingOnlyInLastCharacter_Returns401()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var password = new string('p', 199) + "1";
        await client.RegisterAsync(email, password);

        using var almost = await client.LoginAsync(email, new string('p', 199) + "2");
        using var prefix = await client.LoginAsync(email, new string('p', 72));
        using var exact = await client.LoginAsync(email, password);

        await ProblemAssert.IsAsync(almost, HttpStatusCode.Unauthorized, "invalid_credentials");
        await ProblemAssert.IsAsync(prefix, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
    }

    // 6.2.8: no case transformation.
    [Fact]
    public async Task Login_WithPasswordInOtherCase_Returns401()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email, "Correct Horse Battery");

        using var lower = await client.LoginAsync(email, "correct horse battery");
        using var upper = await client.LoginAsync(email, "CORRECT HORSE BATTERY");

        await ProblemAssert.IsAsync(lower, HttpStatusCode.Unauthorized, "invalid_credentials");
        await ProblemAssert.IsAsync(upper, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    // 6.2.6, 6.2.7: password fields are masked, say what they hold for password managers, and nothing
    // in the pages or their scripts blocks pasting.
    [Theory]
    [InlineData("signin", "signin.js")]
    [InlineData("signup", "signup.js")]
    [InlineData("account", "account.js")]
    public async Task Page_PasswordFields_AreMaskedAndOpenToPasswordManagers(string page, string script)
    {
        using var client = _server.CreateClient();

        var html = await client.Http.GetStringAsync(page);
        var js = await client.Http.GetStringAsync("assets/" + script) + await client.Http.GetStringAsync("assets/latchkey.js");

        var fields = PasswordInput().Matches(html);
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.Matches("autocomplete=\"(current|new)-password\"", f.Value));
        Assert.DoesNotContain("paste", html + js, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("<input[^>]*type=\"password\"[^>]*>")]
    private static partial Regex PasswordInput();
}
