using System.Text;
using System.Threading.Channels;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Clients;
using Latchkey.Grants;
using Latchkey.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.OAuth;

/// <summary>
/// <c>GET /oauth/revocations</c>: a server-sent-events stream of revocations for resource servers, so
/// that a token revoked at Latchkey is refused there too. Any registered client may subscribe (HTTP
/// Basic). The stream starts with every live entry, then an <c>event: ready</c>, then each revocation as
/// this node learns of it. Entries name token ids, session ids and account ids, never a secret.
/// </summary>
internal static class RevocationFeedEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder oauth) =>
        oauth.MapGet("/revocations", StreamAsync).AllowAnonymous().WithTags("OAuth").Credentials(EndpointCredentials.Client)
            .Documented(
                "revocationFeed", "Subscribe to revocations (server-sent events), for resource servers",
                "Every live entry, then `event: ready`, then each revocation as this node learns of it. Only HTTP Basic client authentication.")
            .Answers(StatusCodes.Status200OK, "The event stream; each `data:` line is one revocation entry.", "text/event-stream")
            .RefusesOAuth(OAuthErrors.InvalidClient);

    private static async Task StreamAsync(HttpContext context, ClientRegistry clients, RevocationList revocations)
    {
        if (!OAuthRequest.TryParseBasic(context.Request.Headers.Authorization, out var clientId, out var secret)
            || clients.Authenticate(clientId, secret, context.GetRequestOrigin()) is null)
        {
            await OAuthResponses.Error(OAuthErrors.InvalidClient, "The revocation feed needs client authentication.", basicChallenge: true).ExecuteAsync(context);
            return;
        }

        // Bounded: a subscriber that cannot keep up is dropped and reconnects to a fresh snapshot.
        var channel = Channel.CreateBounded<RevocationEntry>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
        var overflowed = false;
        void OnApplied(RevocationEntry entry)
        {
            if (!channel.Writer.TryWrite(entry))
            {
                overflowed = true;
                channel.Writer.TryComplete();
            }
        }

        revocations.Applied += OnApplied;
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            var abort = context.RequestAborted;
            foreach (var entry in revocations.Snapshot())
            {
                await WriteAsync(response, "data: " + RevocationMessage.Format(entry) + "\n\n", abort);
            }

            await WriteAsync(response, "event: ready\ndata: \n\n", abort);
            while (!abort.IsCancellationRequested && !overflowed)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(abort);
                tick.CancelAfter(KeepAlive);
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(tick.Token))
                    {
                        return;
                    }

                    while (channel.Reader.TryRead(out var entry))
                    {
                        await WriteAsync(response, "data: " + RevocationMessage.Format(entry) + "\n\n", abort);
                    }
                }
                catch (OperationCanceledException) when (!abort.IsCancellationRequested)
                {
                    await WriteAsync(response, ": keep-alive\n\n", abort);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The subscriber went away.
        }
        finally
        {
            revocations.Applied -= OnApplied;
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
