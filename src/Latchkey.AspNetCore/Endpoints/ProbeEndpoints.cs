using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Latchkey.AspNetCore.Endpoints;

/// <summary><c>/healthz</c> (the process runs) and <c>/readyz</c> (its stores answer).</summary>
internal static class ProbeEndpoints
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public static void Map(IEndpointRouteBuilder app)
    {
        // Short-circuited at routing: the probes skip authentication, so that a stray session cookie
        // cannot make /healthz depend on the store (its lookup would fail while the store is down).
        var probes = app.MapGroup(string.Empty).WithTags("Probes");
        probes.MapGet("/healthz", () => new JsonAnswer<ProbeResponse>(new ProbeResponse("ok"), LatchkeyJsonContext.Default.ProbeResponse)).AllowAnonymous()
            .Documented("getHealth", "Liveness: 200 while the process runs").Produces<ProbeResponse>().ShortCircuit();
        probes.MapGet("/readyz", ReadyAsync).AllowAnonymous()
            .Documented("getReadiness", "Readiness: 200 when every store answers, 503 naming those that do not")
            .Produces<ProbeResponse>().Produces<ProbeResponse>(StatusCodes.Status503ServiceUnavailable).ShortCircuit();
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, IEnumerable<IStoreHealth> stores)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(PingTimeout);
        var checks = stores.Select(async store =>
        {
            try
            {
                return (store.Name, Ok: await store.PingAsync(timeout.Token));
            }
            catch (Exception ex) when (ex is OperationCanceledException or StoreUnavailableException)
            {
                return (store.Name, Ok: false);
            }
        });
        var results = await Task.WhenAll(checks);
        var down = results.Where(r => !r.Ok).Select(r => r.Name).ToArray();
        return down.Length == 0
            ? new JsonAnswer<ProbeResponse>(new ProbeResponse("ready"), LatchkeyJsonContext.Default.ProbeResponse)
            : new JsonAnswer<ProbeResponse>(new ProbeResponse("unavailable", down), LatchkeyJsonContext.Default.ProbeResponse, StatusCodes.Status503ServiceUnavailable);
    }
}
