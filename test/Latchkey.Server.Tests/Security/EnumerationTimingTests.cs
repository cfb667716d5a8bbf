using System.Diagnostics;
using System.Net;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Account enumeration by timing: with the production Argon2id parameters, a login with an unknown
/// email and one with a wrong password take the same path (a verification against a dummy hash), so
/// their median response times agree; a password-reset request answers before the account is looked up,
/// so it takes as long for an address with an account as for one without. Medians over a few hundred
/// interleaved attempts, not single requests, so that scheduling noise on a shared machine does not
/// decide the outcome.
/// </summary>
public sealed class EnumerationTimingTests(ITestOutputHelper output)
{
    private const int Attempts = 200;
    private const int WarmUp = 10;
    private const string WrongPassword = "not the right password";

    // The bound both cases are held to: medians within 10 % of each other.
    private const double MaxMedianDifference = 0.10;

    [Fact]
    public async Task Login_UnknownEmailAndWrongPassword_MediansDifferByLessThanTenPercent()
    {
        var options = new TestServerOptions { FastPasswordHashing = false };

        // Throttling would answer 429 without hashing after a few failures; this test measures the hashing path.
        options.Settings["Latchkey:Throttling:FreeFailuresPerAccount"] = "1000000";
        options.Settings["Latchkey:Throttling:FreeFailuresPerAddress"] = "1000000";
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        var (unknown, wrong) = await CompareAsync(
            "unknown email",
            () => TimeAsync(() => client.LoginAsync(TestData.NewEmail(), WrongPassword)),
            "wrong password",
            () => TimeAsync(() => client.LoginAsync(email, WrongPassword)),
            HttpStatusCode.Unauthorized);

        Assert.Equal(wrong.Body, unknown.Body);
    }

    [Fact]
    public async Task PasswordReset_UnknownAndKnownAddress_AnswerAlike_MediansDifferByLessThanTenPercent()
    {
        var options = new TestServerOptions();

        // Reset requests take the address's sign-up permits; this test measures the admitted path, many times.
        options.Settings["Latchkey:Throttling:SignUpsPerAddress"] = "1000000";
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();
        var email = TestData.NewEmail();
        await client.RegisterAsync(email);

        var (unknown, known) = await CompareAsync(
            "unknown address",
            () => TimeAsync(() => client.PostJsonAsync("api/password-reset", new { email = TestData.NewEmail() }, csrf: false)),
            "known address",
            () => TimeAsync(() => client.PostJsonAsync("api/password-reset", new { email }, csrf: false)),
            HttpStatusCode.Accepted);

        Assert.Equal(known.Body, unknown.Body);
        Assert.Equal(known.Headers, unknown.Headers);
    }

    // Interleaves the two kinds of request (alternating which goes first), checks every answer has the status and
    // the same body as the first of its kind, and holds the medians to the bound. Returns the first answer of each.
    private async Task<(Timed A, Timed B)> CompareAsync(
        string nameA, Func<Task<Timed>> sendA, string nameB, Func<Task<Timed>> sendB, HttpStatusCode status)
    {
        var timesA = new List<double>(Attempts);
        var timesB = new List<double>(Attempts);
        Timed? firstA = null;
        Timed? firstB = null;
        for (var i = 0; i < WarmUp + Attempts; i++)
        {
            var aFirst = i % 2 == 0;
            var first = await (aFirst ? sendA() : sendB());
            var second = await (aFirst ? sendB() : sendA());
            var (a, b) = aFirst ? (first, second) : (second, first);
            Assert.Equal(status, a.Status);
            Assert.Equal(status, b.Status);
            firstA ??= a;
            firstB ??= b;
            Assert.Equal(firstA.Body, a.Body);
            Assert.Equal(firstB.Body, b.Body);
            if (i >= WarmUp)
            {
                timesA.Add(a.Milliseconds);
                timesB.Add(b.Milliseconds);
            }
        }

        var medianA = Median(timesA);
        var medianB = Median(timesB);
        var difference = Math.Abs(medianA - medianB) / Math.Max(medianA, medianB);
        output.WriteLine($"{Attempts} attempts each:");
        output.WriteLine($"  {nameA}: median {medianA:F2} ms (p10 {Percentile(timesA, 0.1):F2}, p90 {Percentile(timesA, 0.9):F2})");
        output.WriteLine($"  {nameB}: median {medianB:F2} ms (p10 {Percentile(timesB, 0.1):F2}, p90 {Percentile(timesB, 0.9):F2})");
        output.WriteLine($"  difference of medians: {difference:P1}");
        Assert.True(difference < MaxMedianDifference, $"Medians differ by {difference:P1}: {nameA} {medianA:F2} ms, {nameB} {medianB:F2} ms.");
        return (firstA!, firstB!);
    }

    private static async Task<Timed> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await send();
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        // Every header but the clock's, response and content alike, in a stable order.
        var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers)
            .Where(h => !h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Key + ": " + string.Join(", ", h.Value))
            .Order(StringComparer.Ordinal));
        return new Timed(response.StatusCode, body, headers, elapsed);
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        var position = fraction * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (position - below));
    }

    private sealed record Timed(HttpStatusCode Status, byte[] Body, string Headers, double Milliseconds);
}
