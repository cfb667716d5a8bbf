using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.Routing;
using Latchkey.Grants;
using Latchkey.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.Hosting;

/// <summary>
/// Turns exceptions into problem details: load (hashing at capacity) and store outages are 503 with a
/// code, malformed HTTP is the 4xx Kestrel chose, and only a real fault is 500.
/// </summary>
internal sealed class LatchkeyExceptionHandler(ILogger<LatchkeyExceptionHandler> logger, LatchkeyErrorScope scope) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // ASP.NET Core calls every registered handler from the host's UseExceptionHandler too: leave the
        // host's endpoints to the host unless UseLatchkey was asked to answer for the whole application.
        var marker = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<LatchkeyEndpointMetadata>();
        return marker is null && !scope.HandleAllErrors ? ValueTask.FromResult(false) : HandleAsync(httpContext, exception, marker);
    }

    /// <summary>Answers an exception thrown while serving a request; false when it cannot (never, today).</summary>
    public async ValueTask<bool> HandleAsync(HttpContext httpContext, Exception exception, LatchkeyEndpointMetadata? marker)
    {
        var request = httpContext.Request;
        if (marker is { OAuthErrors: true })
        {
            return await HandleOAuthAsync(httpContext, exception);
        }

        switch (exception)
        {
            case ServerBusyException busy:
                Log.HashingBusy(logger, busy.Message);
                await LatchkeyProblems.Write(httpContext, LatchkeyErrors.ServerBusy, retryAfter: busy.RetryAfter);
                return true;
            case StoreUnavailableException:
                Log.StoreUnavailable(logger, request.Method, request.Path, exception);
                await LatchkeyProblems.Write(httpContext, LatchkeyErrors.StoreUnavailable, retryAfter: TimeSpan.FromSeconds(1));
                return true;
            case Accounts.AccountGoneException:
                // A login or token exchange raced the account's deletion: answered like an unknown account.
                await LatchkeyProblems.Write(httpContext, LatchkeyErrors.Unauthenticated);
                return true;
            case BadHttpRequestException bad:
                await LatchkeyProblems.Write(httpContext, LatchkeyProblems.CodeForStatus(bad.StatusCode));
                return true;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                // The client went away; there is nobody to answer.
                return true;
            default:
                Log.UnhandledError(logger, request.Method, request.Path, exception);
                await LatchkeyProblems.Write(httpContext, LatchkeyErrors.InternalError);
                return true;
        }
    }

    // OAuth clients expect RFC 6749 error objects, not problem details.
    private async ValueTask<bool> HandleOAuthAsync(HttpContext httpContext, Exception exception)
    {
        var request = httpContext.Request;
        switch (exception)
        {
            case ServerBusyException busy:
                Log.HashingBusy(logger, busy.Message);
                await OAuth.OAuthResponses.WriteErrorAsync(httpContext, OAuthErrors.TemporarilyUnavailable, "The server is busy; try again shortly.", busy.RetryAfter);
                return true;
            case StoreUnavailableException:
                Log.StoreUnavailable(logger, request.Method, request.Path, exception);
                await OAuth.OAuthResponses.WriteErrorAsync(httpContext, OAuthErrors.TemporarilyUnavailable, "A store is unavailable; try again shortly.", TimeSpan.FromSeconds(1));
                return true;
            case Accounts.AccountGoneException:
                await OAuth.OAuthResponses.WriteErrorAsync(httpContext, OAuthErrors.InvalidGrant, "The account no longer exists.");
                return true;
            case BadHttpRequestException:
                await OAuth.OAuthResponses.WriteErrorAsync(httpContext, OAuthErrors.InvalidRequest, "The request is malformed.");
                return true;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                return true;
            default:
                Log.UnhandledError(logger, request.Method, request.Path, exception);
                httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await httpContext.Response.WriteAsJsonAsync(new { error = "server_error" });
                return true;
        }
    }
}
