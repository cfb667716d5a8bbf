using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests;

/// <summary><c>POST /api/accounts</c>: creation, email rules, password length rules, uniqueness.</summary>
public sealed class AccountRegistrationTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private const string Emoji = "\U0001F600";
    private readonly LatchkeyTestServer _server = fixture.Server;
    private readonly LatchkeyDatabase _database = new(fixture.Server.DataDirectory);

    public static TheoryData<string, string?> PasswordsOutsideTheLengthRange => new()
    {
        { "SevenAscii", new string('a', 7) },
        { "TwoHundredFiftySevenAscii", new string('a', 257) },
        { "Empty", string.Empty },
        { "Null", null },
        { "SevenEmoji", Repeat(Emoji, 7) },
        { "TwoHundredFiftySevenEmoji", Repeat(Emoji, 257) },
        { "SevenDecomposedAccentsInFourteenCodeUnits", Repeat("e\u0301", 7) },
    };

    public static TheoryData<string, string> PasswordsAtTheLengthBounds => new()
    {
        { "EightAscii", "abcdefgh" },
        { "TwoHundredFiftySixAscii", new string('a', 256) },
        { "EightEmoji", Repeat(Emoji, 8) },
        { "TwoHundredFiftySixEmoji", Repeat(Emoji, 256) },
        { "EightSpaces", new string(' ', 8) },
        { "EightDecomposedAccents", Repeat("e\u0301", 8) },
    };

    public static TheoryData<string, string?> MalformedEmails => new()
    {
        { "NoAt", "user.example.com" },
        { "TwoAts", "user@host@example.com" },
        { "SpaceInside", "us er@example.com" },
        { "TabInside", "us\ter@example.com" },
        { "NewlineInside", "user@exam\nple.com" },
        { "NulInside", "user\u0000@example.com" },
        { "NoDotInDomain", "user@localhost" },
        { "EmptyLocalPart", "@example.com" },
        { "EmptyDomain", "user@" },
        { "DomainEndsWithDot", "user@example.com." },
        { "DomainStartsWithDot", "user@.example.com" },
        { "DoubleDotInDomain", "user@example..com" },
        { "AngleBrackets", "<user@example.com>" },
        { "DisplayName", "User <user@example.com>" },
        { "LocalPartOver64", new string('a', 65) + "@example.com" },
        { "TwoHundredFiftyFiveCharacters", TestEmails.OfLength(255) },
        { "OnlySpaces", "   " },
        { "Empty", string.Empty },
        { "Null", null },
    };

    public static TheoryData<string> SameEmailVariants => new()
    {
        "UpperCase",
        "MixedCase",
        "SurroundingSpaces",
        "SurroundingSpacesAndUpperCase",
    };

    [Fact]
    public async Task Register_WithValidInput_Returns201WithOnlyIdAndEmail()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        using var response = await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonObjectAsync();
        Assert.Equal(["email", "id"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(body["id"]!.GetValue<string>()));
        Assert.Equal(email, body["email"]!.GetValue<string>());
        Assert.Null(LatchkeyTestClient.SessionSetCookie(response));
        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Register_TwoAccounts_GivesDistinctIds()
    {
        using var client = _server.CreateClient();

        var first = await client.RegisterAsync(TestData.NewEmail());
        var second = await client.RegisterAsync(TestData.NewEmail());

        Assert.NotEqual(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_WithSurroundingWhitespace_StoresTrimmedEmail()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        var account = await client.RegisterAsync($" \t {email}  \n");

        Assert.Equal(email, account["email"]!.GetValue<string>());
        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var me = await client.GetAsync("api/me");
        Assert.Equal(email, (await me.ReadJsonObjectAsync())["email"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(SameEmailVariants))]
    public async Task Register_SameEmailWrittenDifferently_Returns409EmailTakenAndKeepsFirstAccount(string variant)
    {
        using var client = _server.CreateClient();
        var local = $"dup-{Guid.NewGuid():N}";
        var email = $"{local}@example.com";
        await client.RegisterAsync(email);
        var again = variant switch
        {
            "UpperCase" => email.ToUpperInvariant(),
            "MixedCase" => $"{local.ToUpperInvariant()}@Example.COM",
            "SurroundingSpaces" => $"  {email} ",
            "SurroundingSpacesAndUpperCase" => $"\t{email.ToUpperInvariant()}  ",
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
        var countBefore = _database.CountAccounts();

        using var response = await client.PostJsonAsync("api/accounts", new { email = again, password = "another password" }, csrf: false);

        await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "email_taken");
        Assert.Equal(countBefore, _database.CountAccounts());
        using var original = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        using var intruder = await _server.CreateClient().LoginAsync(email, "another password");
        Assert.Equal(HttpStatusCode.Unauthorized, intruder.StatusCode);
    }

    [Fact]
    public async Task Register_SameEmailConcurrently_CreatesExactlyOneAccount()
    {
        var email = TestData.NewEmail();
        var countBefore = _database.CountAccounts();
        var clients = Enumerable.Range(0, 6).Select(_ => _server.CreateClient()).ToArray();

        var responses = await Task.WhenAll(clients.Select((c, i) =>
            c.PostJsonAsync("api/accounts", new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = TestData.Password }, csrf: false)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ProblemDetailsAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "email_taken");
        }

        Assert.Equal(countBefore + 1, _database.CountAccounts());
        foreach (var item in responses.Cast<IDisposable>().Concat(clients))
        {
            item.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(PasswordsOutsideTheLengthRange))]
    public async Task Register_PasswordOutsideLengthRange_Returns400ValidationFailedAndCreatesNothing(string name, string? password)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        var countBefore = _database.CountAccounts();

        using var response = await client.PostJsonAsync("api/accounts", new { email, password }, csrf: false);

        var problem = await ProblemDetailsAssert.IsValidationProblemAsync(response, "password");
        Assert.False(problem["errors"]!.AsObject().ContainsKey("email"));
        Assert.Equal(countBefore, _database.CountAccounts());
        await client.RegisterAsync(email);
    }

    [Fact]
    public async Task Register_WithoutPasswordProperty_Returns400ValidationFailed()
    {
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        using var response = await client.PostJsonAsync("api/accounts", new { email }, csrf: false);

        await ProblemDetailsAssert.IsValidationProblemAsync(response, "password");
        await client.RegisterAsync(email);
    }

    [Fact]
    public async Task Register_WithEmptyObject_Returns400NamingBothFields()
    {
        using var client = _server.CreateClient();
        var countBefore = _database.CountAccounts();

        using var response = await client.PostJsonAsync("api/accounts", new JsonObject(), csrf: false);

        var problem = await ProblemDetailsAssert.IsValidationProblemAsync(response, "email");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("password"));
        Assert.Equal(countBefore, _database.CountAccounts());
    }

    [Theory]
    [MemberData(nameof(PasswordsAtTheLengthBounds))]
    public async Task Register_PasswordAtLengthBound_Returns201AndThePasswordLogsIn(string name, string password)
    {
        _ = name;
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();

        using var response = await client.PostJsonAsync("api/accounts", new { email, password }, csrf: false);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var login = await client.LoginAsync(email, password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Login_WithPasswordInOtherUnicodeNormalForm_Succeeds()
    {
        // SP 800-63B §5.1.1.2: passwords are normalized (NFKC) before hashing, so the same typed
        // characters log in whatever form the keyboard produced.
        using var client = _server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email, "caf\u00e9 au lait");

        using var login = await client.LoginAsync(email, "cafe\u0301 au lait");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [MemberData(nameof(MalformedEmails))]
    public async Task Register_MalformedEmail_Returns400ValidationFailedAndCreatesNothing(string name, string? email)
    {
        _ = name;
        using var client = _server.CreateClient();
        var countBefore = _database.CountAccounts();

        using var response = await client.PostJsonAsync("api/accounts", new { email, password = TestData.Password }, csrf: false);

        var problem = await ProblemDetailsAssert.IsValidationProblemAsync(response, "email");
        Assert.False(problem["errors"]!.AsObject().ContainsKey("password"));
        Assert.Equal(countBefore, _database.CountAccounts());
    }

    [Fact]
    public async Task Register_EmailOf254Characters_Returns201()
    {
        using var client = _server.CreateClient();
        var email = TestEmails.OfLength(254);

        var account = await client.RegisterAsync(email);

        Assert.Equal(email, account["email"]!.GetValue<string>());
        using var login = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Register_InvalidInput_AnswersCompleteProblemDetails()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostJsonAsync("api/accounts", new { email = "nope", password = "short" }, csrf: false);

        var problem = await ProblemDetailsAssert.IsValidationProblemAsync(response, "email");
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.True(problem["errors"]!["password"]!.AsArray().Count > 0);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));
}
