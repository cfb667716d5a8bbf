using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Starts a server that must refuse to start, and reads why.</summary>
public static class StartFailure
{
    /// <summary>The messages of the start failure and of everything it wraps (<see cref="Messages"/>).</summary>
    public static async Task<string> MessagesAsync(TestServerOptions options)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var server = await LatchkeyTestServer.StartAsync(options);
            await server.DisposeAsync();
        });

        return Messages(exception);
    }

    /// <summary>The type and message of <paramref name="exception"/> and of everything it wraps (validation can aggregate several).</summary>
    private static string Messages(Exception exception)
    {
        var parts = new List<string>();
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            parts.Add($"{current.GetType().Name}: {current.Message}");
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return string.Join(" | ", parts);
    }
}
