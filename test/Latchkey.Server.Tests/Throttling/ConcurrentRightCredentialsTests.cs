using System.Net;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Throttling;

/// <summary>
/// Right credentials are never refused merely because other attempts on the same counters are still in
/// flight: a refused attempt waits for them, and their successes give the charges back. The throttle
/// keeps its defaults (5 free failures per account or client, 20 per address, all tests come from
/// 127.0.0.1); only the wait is raised to its maximum, so that a slow machine cannot turn it into a 429.
/// </summary>
public sealed class ConcurrentRightCredentialsTests(ConcurrentRightCredentialsTests.Fixture fixture) : IClassFixture<ConcurrentRightCredentialsTests.Fixture>
{
    private const int Parallel = 50;
    private const int Rounds = 40;
    private readonly LatchkeyTestServer _server = fixture.Server;

    [Fact]
    public async Task ClientCredentials_50ConcurrentWithTheRightSecret_AllGetAToken()
    {
        // Connections are opened first, so that the grants themselves overlap. A client secret is checked in
        // microseconds, so the overlap that used to cost a 429 is rare: many rounds, as a busy client sends.
        var clients = Enumerable.Range(0, Parallel).Select(_ => _server.CreateClient()).ToList();
        try
        {
            foreach (var client in clients)
            {
                using var warm = await client.GetAsync("healthz");
            }

            for (var round = 0; round < Rounds; round++)
            {
                var answers = await Concurrently.RunAsync(Parallel, async i =>
                {
                    using var response = await clients[i].ClientCredentialsAsync();
                    return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                });

                Assert.All(answers, a => Assert.StartsWith("200 ", a, StringComparison.Ordinal));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Login_50ConcurrentRightPasswordsForDistinctAccountsFromOneAddress_AllSucceed()
    {
        // One after another: sign-up is throttled per address too, and each success gives its charge back.
        var emails = new List<string>();
        using (var registrar = _server.CreateClient())
        {
            for (var i = 0; i < Parallel; i++)
            {
                emails.Add(TestData.NewEmail());
                await registrar.RegisterAsync(emails[i]);
            }
        }

        var statuses = await Concurrently.RunAsync(Parallel, async i =>
        {
            using var client = _server.CreateClient();
            using var response = await client.LoginAsync(emails[i]);
            return response.StatusCode;
        });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    /// <summary>A shared server on the real clock with the default throttle and one service client.</summary>
    public sealed class Fixture : ServerFixture
    {
        /// <inheritdoc />
        protected override void Configure(TestServerOptions options)
        {
            base.Configure(options);
            options.Settings["Latchkey:Throttling:ContendedWait"] = "00:00:30";
            OAuth.AddClient(options.Settings);
        }
    }
}
