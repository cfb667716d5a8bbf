using System.Collections.Concurrent;
using System.Net;

namespace Latchkey.Cluster.Tests.Infrastructure;

/// <summary>
/// Requests sent in loops while a test injects a fault, every answer recorded, so that the test can
/// assert afterwards what was never answered (a 500, or a 200 for a credential that must not pass).
/// A request that gets no answer at all (the node is gone) is recorded with status 0.
/// </summary>
public sealed class BackgroundTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Answer> _answers = new();
    private readonly List<Task> _loops = [];

    /// <summary>One recorded answer.</summary>
    /// <param name="Probe">What was asked, e.g. <c>live cookie</c>.</param>
    /// <param name="Node">Which node.</param>
    /// <param name="Status">The HTTP status, or 0 when no answer came.</param>
    /// <param name="Body">The body, kept for failure messages.</param>
    public sealed record Answer(string Probe, string Node, int Status, string Body);

    /// <summary>Everything answered so far.</summary>
    public IReadOnlyCollection<Answer> Answers => _answers;

    /// <summary>Starts a loop that sends <paramref name="send"/> to <paramref name="node"/> until stopped.</summary>
    public void Add(string probe, ClusterNode node, Func<ClusterNode, Task<HttpResponseMessage>> send)
    {
        _loops.Add(Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await send(node);
                    var body = response.StatusCode == HttpStatusCode.OK ? string.Empty : await response.Content.ReadAsStringAsync();
                    _answers.Enqueue(new Answer(probe, node.Name, (int)response.StatusCode, body));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    _answers.Enqueue(new Answer(probe, node.Name, 0, ex.Message));
                }

                // Leave the CPU to the servers: a loop is a steady trickle, not a load test.
                await Task.Delay(10);
            }
        }));
    }

    /// <summary>Stops every loop and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    /// <summary>How many answers per probe and status, for the test output.</summary>
    public string Summary() => string.Join(", ", _answers
        .GroupBy(a => (a.Probe, a.Status))
        .OrderBy(g => g.Key.Probe, StringComparer.Ordinal).ThenBy(g => g.Key.Status)
        .Select(g => $"{g.Key.Probe} {(g.Key.Status == 0 ? "no answer" : g.Key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}×{g.Count()}"));

    /// <summary>Fails if any answer was a 5xx other than 503.</summary>
    public void AssertNoServerErrors()
    {
        var errors = _answers.Where(a => a.Status >= 500 && a.Status != 503).ToList();
        Assert.True(errors.Count == 0, $"Server errors: {string.Join("; ", errors.Take(5).Select(e => $"{e.Probe} on {e.Node}: {e.Status} {e.Body}"))}");
    }

    /// <summary>Fails if <paramref name="probe"/> was ever answered with <paramref name="status"/>.</summary>
    public void AssertNever(string probe, HttpStatusCode status)
    {
        var hits = _answers.Where(a => a.Probe == probe && a.Status == (int)status).ToList();
        Assert.True(hits.Count == 0, $"{probe} was answered {(int)status} {hits.Count} times, first on node {hits.FirstOrDefault()?.Node}.");
    }

    /// <summary>Fails if <paramref name="probe"/> was answered with anything but <paramref name="allowed"/>.</summary>
    public void AssertOnly(string probe, params HttpStatusCode[] allowed)
    {
        var others = _answers.Where(a => a.Probe == probe && !allowed.Contains((HttpStatusCode)a.Status)).ToList();
        Assert.True(others.Count == 0, $"{probe} was answered {string.Join(", ", others.Take(5).Select(a => $"{a.Status} on {a.Node} {a.Body}"))}.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
