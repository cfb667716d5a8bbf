using System.Net;
using Latchkey.Accounts;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Storage;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// With the host's own exception handler in charge, an exception inside Latchkey's endpoints (here, an
/// account store that is down) is still answered the Latchkey way, problem details on the API and an
/// RFC 6749 error on the token endpoint, while the host's failures keep the host's answer.
/// </summary>
public sealed class HostedLatchkeyErrorTests
{
    [Fact]
    public async Task StoreDown_LatchkeyEndpointsAnswer503TheirWay_HostKeepsItsErrorPage()
    {
        await using var host = await HostApp.StartAsync("/auth", latchkey => latchkey.Services.Replace(ServiceDescriptor.Singleton<IAccountStore, DownAccountStore>()));
        using var client = host.CreateLatchkeyClient();
        using var root = host.CreateRootClient();

        using var signup = await client.PostJsonAsync("api/accounts", new { email = TestData.NewEmail(), password = TestData.Password }, csrf: false);
        using var grant = await client.PasswordGrantAsync(TestData.NewEmail());
        using var boom = await root.GetAsync("boom");

        await ProblemDetailsAssert.IsProblemAsync(signup, HttpStatusCode.ServiceUnavailable, "store_unavailable");
        Assert.Equal("no-store", signup.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, grant.StatusCode);
        Assert.Equal("temporarily_unavailable", (await grant.ReadJsonObjectAsync())["error"]?.GetValue<string>());
        Assert.Equal("host error", await boom.Content.ReadAsStringAsync());
    }

    private sealed class DownAccountStore : IAccountStore
    {
        public Task<bool> TryCreateAsync(Account account, CancellationToken cancellationToken) => throw Down();

        public Task<Account?> FindByNormalizedEmailAsync(string normalizedEmail, CancellationToken cancellationToken) => throw Down();

        public Task<Account?> FindByIdAsync(string id, CancellationToken cancellationToken) => throw Down();

        public Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, DateTimeOffset changedAt, CancellationToken cancellationToken) => throw Down();

        public Task<long?> RaiseTokenGenerationAsync(string id, CancellationToken cancellationToken) => throw Down();

        public Task<bool> SetDisabledAtAsync(string id, DateTimeOffset? disabledAt, CancellationToken cancellationToken) => throw Down();

        public Task<bool> SetRolesAsync(string id, AccountRoles roles, CancellationToken cancellationToken) => throw Down();

        public Task<IReadOnlyList<Account>> SearchAsync(AccountSearch search, CancellationToken cancellationToken) => throw Down();

        public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => throw Down();

        private static StoreUnavailableException Down() => new("The account store is down.");
    }
}
