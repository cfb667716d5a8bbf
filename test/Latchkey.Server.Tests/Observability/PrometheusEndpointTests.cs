using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Observability;

/// <summary>The Prometheus scrape endpoint: off by default, served at <c>/metrics</c> when enabled, closed to other networks.</summary>
public sealed partial class PrometheusEndpointTests
{
    [Fact]
    public async Task Scrape_ByDefault_Returns404()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        using var client = server.CreateClient();

        using var response = await client.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Scrape_WhenEnabled_ServesLatchkeyInstrumentsWithValues()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Telemetry:Prometheus:Enabled"] = "true";
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        await client.SignUpAndLoginAsync();

        using var response = await client.GetAsync("metrics");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // Other servers in this test process count on meters of the same name, so at least this server's login.
        Assert.True(Value(body, "latchkey_logins_total", "latchkey_login_result=\"succeeded\"") >= 1, body);
        Assert.True(Value(body, "latchkey_store_duration_seconds_count", "latchkey_store_operation=\"session.create\"") >= 1, body);
        Assert.Contains("# TYPE latchkey_sessions_active gauge", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8", HttpStatusCode.NotFound)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    public async Task Scrape_AtConfiguredPath_AnswersOnlyAllowedNetworks(string allowedNetwork, HttpStatusCode expected)
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:Telemetry:Prometheus:Enabled"] = "true";
        options.Settings["Latchkey:Telemetry:Prometheus:Path"] = "/internal/metrics";
        options.Settings["Latchkey:Telemetry:Prometheus:AllowedNetworks:0"] = allowedNetwork;
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();

        using var atPath = await client.GetAsync("internal/metrics");
        using var atDefault = await client.GetAsync("metrics");

        Assert.Equal(expected, atPath.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, atDefault.StatusCode);
    }

    // The value of the first sample of metric whose labels include label, e.g. latchkey_logins_total{…,latchkey_login_result="succeeded",…} 3 1700000000000.
    private static double Value(string body, string metric, string label)
    {
        foreach (Match match in Sample().Matches(body))
        {
            if (match.Groups["name"].Value == metric && match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>[^ \n]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
