using System.Net;
using Latchkey.Accounts;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Admin;

/// <summary>An operator resets the second factors of a user who lost them.</summary>
public sealed class AdminMfaResetTests
{
    [Fact]
    public async Task Reset_RemovesTheAuthenticatorAndCodes_EndsTheSessions_AndTheNextLoginIsByPassword()
    {
        await using var enrolled = await MfaTests.EnrolledAccount.StartAsync();
        var server = enrolled.Server;
        using var admin = server.CreateClient();
        var adminId = await admin.SignUpAndLoginAsync();
        Assert.True(await server.App.Services.GetRequiredService<IAccountStore>().SetRolesAsync(adminId, AccountRoles.Admin, default));
        var userId = (await (await enrolled.Owner.GetAsync("api/me")).ReadJsonObjectAsync())["id"]!.GetValue<string>();

        using (var login = await server.CreateClient().LoginAsync(enrolled.Email))
        {
            await ProblemAssert.IsAsync(login, HttpStatusCode.Unauthorized, "mfa_required");
        }

        var before = await (await admin.GetAsync($"admin/accounts/{userId}")).ReadJsonObjectAsync();
        Assert.True(before["mfa"]!["totp"]!.GetValue<bool>());
        Assert.Equal(enrolled.RecoveryCodes.Count, before["mfa"]!["recoveryCodes"]!.GetValue<int>());

        using var reset = await admin.PostJsonAsync($"admin/accounts/{userId}/mfa/reset", new { });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var removed = await reset.ReadJsonObjectAsync();
        Assert.True(removed["totp"]!.GetValue<bool>());
        Assert.Equal(enrolled.RecoveryCodes.Count, removed["recoveryCodes"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await enrolled.Owner.GetAsync("api/me")).StatusCode);
        using var fresh = server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await fresh.LoginAsync(enrolled.Email)).StatusCode);
        var after = await (await admin.GetAsync($"admin/accounts/{userId}")).ReadJsonObjectAsync();
        Assert.False(after["mfa"]!["totp"]!.GetValue<bool>());
        Assert.Equal(0, after["mfa"]!["recoveryCodes"]!.GetValue<int>());
        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 1604 && e["AccountId"] == userId && e["Actor"] == $"account:{adminId}");

        await ProblemAssert.IsAsync(await admin.PostJsonAsync("admin/accounts/nobody/mfa/reset", new { }), HttpStatusCode.NotFound, "not_found");
    }
}
