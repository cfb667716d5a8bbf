using Latchkey.Testing;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Starts a server that must refuse to start, and reads why.</summary>
public static class StartFailure
{
    /// <summary>The messages of the start failure and of everything it wraps, joined with <c> | </c>.</summary>
    public static async Task<string> MessagesAsync(TestServerOptions options)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var server = await LatchkeyTestServer.StartAsync(options);
            await server.DisposeAsync();
        });

        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(i => i.Message));
            }
        }

        return string.Join(" | ", messages);
    }
}
