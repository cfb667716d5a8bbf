using Latchkey.AspNetCore.ResourceServer;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Latchkey.ResourceServer.Tests;

/// <summary>Defaults, and the validation that stops a misconfigured service at start with a message naming the option.</summary>
public sealed class LatchkeyBearerOptionsTests
{
    public static TheoryData<string, string> InvalidOptions => new()
    {
        { "MissingAuthority", "Authority" },
        { "RelativeAuthority", "Authority" },
        { "FtpAuthority", "Authority" },
        { "AuthorityWithQuery", "Authority" },
        { "AuthorityWithUserInfo", "Authority" },
        { "PlainHttpToRemoteHost", "Authority" },
        { "BlankAudience", "Audience" },
        { "NegativeClockSkew", "ClockSkew" },
        { "HourLongClockSkew", "ClockSkew" },
        { "ZeroCooldown", "RefreshCooldown" },
        { "CooldownAboveMaxAge", "RefreshCooldown" },
        { "ZeroMaxAge", "MetadataMaxAge" },
        { "ZeroHttpTimeout", "HttpTimeout" },
        { "TinyMaxTokenLength", "MaxTokenLength" },
    };

    public static TheoryData<string> ValidAuthorities =>
    [
        "https://auth.example.com",
        "https://auth.example.com/",
        "https://auth.example.com/tenant-a",
        "http://127.0.0.1:5080",
        "http://localhost:5080/",
        "http://[::1]:5080",
    ];

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new LatchkeyBearerOptions();

        Assert.Null(options.Authority);
        Assert.Null(options.Audience);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RefreshCooldown);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MetadataMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(5), options.HttpTimeout);
        Assert.True(options.RequireHttpsMetadata);
        Assert.Equal(8192, options.MaxTokenLength);
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidOption_FailsNamingIt(string name, string option)
    {
        using var services = Services(o => Configure(name, o));

        var error = Assert.Throws<OptionsValidationException>(() => Get(services));

        Assert.Contains(error.Failures, f => f.StartsWith("LatchkeyBearerOptions." + option + " ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ValidAuthorities))]
    public void Validate_ValidAuthority_Passes(string authority)
    {
        using var services = Services(o => o.Authority = authority);

        Assert.Equal(authority, Get(services).Authority);
    }

    [Fact]
    public void Validate_PlainHttpToRemoteHostWithHttpsNotRequired_Passes()
    {
        using var services = Services(o =>
        {
            o.Authority = "http://latchkey.internal:8080";
            o.RequireHttpsMetadata = false;
        });

        Assert.False(Get(services).RequireHttpsMetadata);
    }

    [Fact]
    public async Task SampleApi_WithRemotePlainHttpAuthority_FailsAtStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ResourceApiHost.StartAsync("http://auth.example.com", TimeProvider.System));

        Assert.Contains("LatchkeyBearerOptions.Authority must use https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NoScope")]
    [InlineData("EmptyScope")]
    [InlineData("TwoScopesInOneString")]
    public void RequireScope_WithoutValidScopeName_Throws(string name)
    {
        string[] scopes = name switch
        {
            "NoScope" => [],
            "EmptyScope" => [""],
            _ => ["reports:read reports:write"],
        };
        var policy = new AuthorizationPolicyBuilder();

        Assert.Throws<ArgumentException>(() => policy.RequireScope(scopes));
    }

    private static void Configure(string name, LatchkeyBearerOptions o)
    {
        o.Authority = "https://auth.example.com";
        switch (name)
        {
            case "MissingAuthority": o.Authority = null; break;
            case "RelativeAuthority": o.Authority = "/auth"; break;
            case "FtpAuthority": o.Authority = "ftp://auth.example.com"; break;
            case "AuthorityWithQuery": o.Authority = "https://auth.example.com/?tenant=a"; break;
            case "AuthorityWithUserInfo": o.Authority = "https://user:pass@auth.example.com"; break;
            case "PlainHttpToRemoteHost": o.Authority = "http://auth.example.com"; break;
            case "BlankAudience": o.Audience = " "; break;
            case "NegativeClockSkew": o.ClockSkew = TimeSpan.FromSeconds(-1); break;
            case "HourLongClockSkew": o.ClockSkew = TimeSpan.FromHours(1); break;
            case "ZeroCooldown": o.RefreshCooldown = TimeSpan.Zero; break;
            case "CooldownAboveMaxAge": o.RefreshCooldown = TimeSpan.FromMinutes(11); break;
            case "ZeroMaxAge": o.MetadataMaxAge = TimeSpan.Zero; break;
            case "ZeroHttpTimeout": o.HttpTimeout = TimeSpan.Zero; break;
            case "TinyMaxTokenLength": o.MaxTokenLength = 100; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    private static ServiceProvider Services(Action<LatchkeyBearerOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication().AddLatchkeyBearer(configure);
        return services.BuildServiceProvider();
    }

    private static LatchkeyBearerOptions Get(ServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<LatchkeyBearerOptions>>().Get(LatchkeyBearerDefaults.AuthenticationScheme);
}
