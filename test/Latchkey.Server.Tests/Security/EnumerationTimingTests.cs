using System.Diagnostics;
using System.Net;
using Latchkey.Testing;
using Xunit.Abstractions;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Account enumeration by timing: with the production Argon2id parameters, a login with an unknown
/// email and one with a wrong password take the same path (a verification against a dummy hash), so
/// their median response times agree. Medians over a few hundred interleaved attempts, not single
/// requests, so that scheduling noise on a shared machine does not decide the outcome.
/// </summary>
public sealed class EnumerationTimingTests(ITestOutputHelper output)
{
    private const int Attempts = 200;
    private const int WarmUp = 10;
    private const string WrongPassword = "not the right password";

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

        var unknown = new List<double>(Attempts);
        var wrong = new List<double>(Attempts);
        byte[]? unknownBody = null;
        byte[]? wrongBody = null;
        for (var i = 0; i < WarmUp + Attempts; i++)
        {
            // Alternate which goes first, so neither kind always follows the other.
            var unknownFirst = i % 2 == 0;
            var first = await TimeLoginAsync(client, unknownFirst ? TestData.NewEmail() : email);
            var second = await TimeLoginAsync(client, unknownFirst ? email : TestData.NewEmail());
            var (u, w) = unknownFirst ? (first, second) : (second, first);
            Assert.Equal(HttpStatusCode.Unauthorized, u.Status);
            Assert.Equal(HttpStatusCode.Unauthorized, w.Status);
            unknownBody ??= u.Body;
            wrongBody ??= w.Body;
            Assert.Equal(unknownBody, u.Body);
            Assert.Equal(wrongBody, w.Body);
            if (i >= WarmUp)
            {
                unknown.Add(u.Milliseconds);
                wrong.Add(w.Milliseconds);
            }
        }

        var unknownMedian = Median(unknown);
        var wrongMedian = Median(wrong);
        var difference = Math.Abs(unknownMedian - wrongMedian) / Math.Max(unknownMedian, wrongMedian);
        output.WriteLine($"{Attempts} attempts each, production Argon2id parameters:");
        output.WriteLine($"  unknown email:  median {unknownMedian:F2} ms (p10 {Percentile(unknown, 0.1):F2}, p90 {Percentile(unknown, 0.9):F2})");
        output.WriteLine($"  wrong password: median {wrongMedian:F2} ms (p10 {Percentile(wrong, 0.1):F2}, p90 {Percentile(wrong, 0.9):F2})");
        output.WriteLine($"  difference of medians: {difference:P1}");

        Assert.Equal(wrongBody, unknownBody);
        Assert.True(difference < 0.10, $"Medians differ by {difference:P1}: unknown email {unknownMedian:F2} ms, wrong password {wrongMedian:F2} ms.");
    }

    private static async Task<(HttpStatusCode Status, byte[] Body, double Milliseconds)> TimeLoginAsync(LatchkeyTestClient client, string email)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.LoginAsync(email, WrongPassword);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, body, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
}
