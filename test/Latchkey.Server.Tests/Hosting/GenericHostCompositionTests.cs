using System.Net;
using Latchkey.Accounts;
using Latchkey.Keys;
using Latchkey.Passwords;
using Latchkey.Security;
using Latchkey.Sessions;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Latchkey.Server.Tests.Hosting;

/// <summary>
/// Latchkey's core composed in a generic host without a web server (a worker or console tool):
/// <c>AddLatchkeyCore</c> and a store are all it takes to create accounts and sessions.
/// </summary>
public sealed class GenericHostCompositionTests
{
    [Fact]
    public void Core_ReferencesNoAspNetCoreAssembly()
    {
        var references = typeof(LatchkeyCoreServiceCollectionExtensions).Assembly.GetReferencedAssemblies();

        Assert.DoesNotContain(references, r => r.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenericHost_WithAddLatchkeyCoreAndSqlite_CreatesAnAccountAndASession()
    {
        var dataDirectory = LatchkeyTestServer.NewDataDirectory();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLatchkeyCore(o =>
        {
            o.DataDirectory = dataDirectory;
            o.Issuer = "https://login.example";
        }).UseSqlite();
        builder.Services.Configure<PasswordHashingOptions>(o =>
        {
            o.MemorySizeKiB = 1024;
            o.Iterations = 1;
        });
        using var host = builder.Build();
        await host.StartAsync(CancellationToken.None);
        try
        {
            var email = TestData.NewEmail();
            var accounts = host.Services.GetRequiredService<AccountService>();
            var registered = await accounts.RegisterAsync(email, TestData.Password, IPAddress.Loopback, CancellationToken.None);
            var signedIn = await accounts.SignInAsync(email, TestData.Password, IPAddress.Loopback, CancellationToken.None);
            var sessions = host.Services.GetRequiredService<SessionManager>();
            var created = await sessions.CreateAsync(signedIn.Account!.Id, new RequestOrigin(IPAddress.Loopback, "worker"), CancellationToken.None);
            var found = await sessions.ValidateAsync(created.RawId, recordActivity: false, CancellationToken.None);

            Assert.Equal(RegistrationStatus.Created, registered.Status);
            Assert.Equal(registered.Account!.Id, found?.UserId);
            Assert.NotEmpty(host.Services.GetRequiredService<SigningKeyRing>().Keys);
            Assert.Null(host.Services.GetService(Type.GetType("Microsoft.AspNetCore.Hosting.Server.IServer, Microsoft.AspNetCore.Hosting.Server.Abstractions", throwOnError: true)!));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task GenericHost_WithInvalidCoreOption_FailsAtStartNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLatchkeyCore(o => o.DataDirectory = LatchkeyTestServer.NewDataDirectory()).UseSqlite();
        builder.Services.Configure<SessionOptions>(o => o.IdleTimeout = TimeSpan.FromSeconds(5));
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync(CancellationToken.None));

        Assert.Contains("Latchkey:Sessions:IdleTimeout must be between 1 minute and 30 days.", failure.Message, StringComparison.Ordinal);
    }
}
