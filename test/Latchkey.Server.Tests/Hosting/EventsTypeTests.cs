using System.Security.Claims;
using Latchkey.AspNetCore.Events;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>Events given as a type, resolved from the request's services as ASP.NET Core's <c>EventsType</c> is.</summary>
public sealed class EventsTypeTests
{
    [Fact]
    public async Task EventsType_ScopedWithADependency_AddsTheClaimTheHostSees()
    {
        await using var host = await HostApp.StartAsync("/auth", latchkey =>
        {
            latchkey.Services.AddSingleton(new TierDirectory("platinum"));
            latchkey.Services.AddScoped<TieredEvents>();
            latchkey.ConfigureEvents(o => o.EventsType = typeof(TieredEvents));
        });
        using var client = host.CreateLatchkeyClient();
        await client.SignUpAndLoginAsync();

        var claims = await host.ClaimsAsync(client);

        Assert.NotNull(claims);
        Assert.Equal(["platinum"], claims["tier"]);
    }

    private sealed record TierDirectory(string Tier);

    private sealed class TieredEvents(TierDirectory directory) : LatchkeyEvents
    {
        public override Task SessionValidated(LatchkeySessionValidatedContext context)
        {
            ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim("tier", directory.Tier));
            return Task.CompletedTask;
        }
    }
}
