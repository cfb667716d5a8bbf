using Latchkey.Accounts;

namespace Latchkey.Core.Tests;

public sealed class InputRulesTests
{
    public static TheoryData<string> GoodEmails => new()
    {
        "a@example.com",
        "first.last+tag@sub.example.co.uk",
        "  padded@example.com  ",
        "\u00fcser@b\u00fccher.example",
    };

    public static TheoryData<string?> BadEmails => new()
    {
        null,
        string.Empty,
        "   ",
        "no-at-sign.example.com",
        "@example.com",
        "user@",
        "user@localhost",
        "two@@example.com",
        "a@b@example.com",
        "user name@example.com",
        "user@exa mple.com",
        "user@.example.com",
        "user@example.com.",
        "user@example..com",
        "Name <user@example.com>",
        "user@example.com\u0000",
        new string('a', 65) + "@example.com",
        "a@" + new string('b', 250) + ".com",
    };

    [Theory]
    [MemberData(nameof(GoodEmails))]
    public void Email_WellFormed_IsAcceptedAndTrimmed(string email)
    {
        Assert.Null(EmailAddress.Validate(email, out var trimmed));
        Assert.Equal(email.Trim(), trimmed);
    }

    [Theory]
    [MemberData(nameof(BadEmails))]
    public void Email_Malformed_IsRefused(string? email) => Assert.NotNull(EmailAddress.Validate(email, out _));

    // Lone surrogates are tested outside theory data, which would replace them when it serializes cases.
    [Fact]
    public void Email_WithLoneSurrogate_IsRefused()
    {
        Assert.NotNull(EmailAddress.Validate("user\ud800@example.com", out _));
        Assert.NotNull(EmailAddress.Validate("user@exa\udc00mple.com", out _));
        Assert.Null(EmailAddress.Validate("user\ud83d\ude00@example.com", out _));
    }

    [Fact]
    public void Password_WithLoneSurrogate_IsRefused()
    {
        Assert.NotNull(PasswordPolicy.Validate("abcdefgh\ud800"));
        Assert.NotNull(PasswordPolicy.Validate("\udc00abcdefgh"));
    }

    [Fact]
    public void Email_Normalize_IsCaseInsensitive() =>
        Assert.Equal(EmailAddress.Normalize("User@Example.COM"), EmailAddress.Normalize("user@example.com"));

    public static TheoryData<string, bool> Passwords => new()
    {
        { new string('x', 7), false },
        { new string('x', 8), true },
        { new string('x', 256), true },
        { new string('x', 257), false },
        { "        ", true },
        { "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600", true },
        { "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600", false },
        { string.Empty, false },
        { new string('x', 10_000), false },
    };

    [Theory]
    [MemberData(nameof(Passwords))]
    public void Password_LengthInCodePoints_Decides(string password, bool accepted) =>
        Assert.Equal(accepted, PasswordPolicy.Validate(password) is null);
}
