using System.Net;
using System.Security.Claims;
using Latchkey.AspNetCore.ResourceServer;
using Latchkey.ResourceServer.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.ResourceServer.Tests;

/// <summary>
/// <see cref="LatchkeyBearerEvents.OnTokenValidated"/> runs after a token validated and before the request is
/// authenticated: it can add claims or refuse the request, set on the options or taken from DI.
/// </summary>
public sealed class LatchkeyBearerEventsTests(LatchkeyFixture fixture) : IClassFixture<LatchkeyFixture>
{
    [Fact]
    public async Task OnTokenValidated_AddsAClaim_TheRequestSeesIt()
    {
        var (token, accountId) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var host = await StartAsync(builder => builder.Services.PostConfigure<LatchkeyBearerOptions>(
            LatchkeyBearerDefaults.AuthenticationScheme,
            o => o.Events.OnTokenValidated = context =>
            {
                ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim("tier", "gold:" + context.Token.Subject));
                return Task.CompletedTask;
            }));

        var verdict = await host.ProbeAsync(BearerHost.Bearer(token));
        using var response = await host.Api.GetAsync("hello", token);

        Assert.Equal("success", verdict.Outcome);
        Assert.Equal("gold:" + accountId, verdict.Claims.Single(c => c.Type == "tier").Value);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OnTokenValidated_Fails_TheRequestIs401InvalidToken()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        await using var host = await StartAsync(builder => builder.Services.PostConfigure<LatchkeyBearerOptions>(
            LatchkeyBearerDefaults.AuthenticationScheme,
            o => o.Events.OnTokenValidated = context =>
            {
                context.Fail("AccountSuspended");
                return Task.CompletedTask;
            }));

        var verdict = await host.ProbeAsync(BearerHost.Bearer(token));
        using var response = await host.Api.GetAsync("hello", token);

        Assert.Equal("failure", verdict.Outcome);
        Assert.Equal("AccountSuspended", verdict.Failure);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task EventsType_FromDependencyInjection_RunsItsOverride()
    {
        var (token, _) = await LatchkeyTokens.PasswordGrantAsync(fixture.Server);
        var clientToken = await LatchkeyTokens.ClientCredentialsAsync(fixture.Server, LatchkeyTokens.ReporterId, LatchkeyTokens.ReporterSecret);
        await using var host = await StartAsync(builder =>
        {
            builder.Services.AddSingleton<UserTokensOnlyEvents>();
            builder.Services.PostConfigure<LatchkeyBearerOptions>(
                LatchkeyBearerDefaults.AuthenticationScheme, o => o.EventsType = typeof(UserTokensOnlyEvents));
        });

        using var user = await host.Api.GetAsync("hello", token);
        using var client = await host.Api.GetAsync("hello", clientToken);

        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, client.StatusCode);
        Assert.Equal("ClientTokensRefusedHere", (await host.ProbeAsync(BearerHost.Bearer(clientToken))).Failure);
    }

    private async Task<ResourceApiBearerHost> StartAsync(Action<WebApplicationBuilder> configure)
    {
        var probe = new BearerProbe(LatchkeyBearerDefaults.AuthenticationScheme);
        var api = await ResourceApiHost.StartAsync(fixture.Authority, fixture.Time, builder =>
        {
            builder.Services.AddSingleton<IStartupFilter>(probe);
            configure(builder);
        });
        return new ResourceApiBearerHost(api, probe);
    }

    private sealed class UserTokensOnlyEvents : LatchkeyBearerEvents
    {
        public override Task TokenValidated(LatchkeyTokenValidatedContext context)
        {
            if (context.Token.IsClientToken)
            {
                context.Fail("ClientTokensRefusedHere");
            }

            return Task.CompletedTask;
        }
    }
}
