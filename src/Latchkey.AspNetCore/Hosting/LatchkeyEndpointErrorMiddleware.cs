using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore.Hosting;

/// <summary>
/// Gives Latchkey's own endpoints their error answers when the host keeps its own exception handler and
/// status-code pages: an exception becomes what <see cref="LatchkeyExceptionHandler"/> makes of it, and an
/// empty error answer (a bare 401 or 413) becomes problem details. Other endpoints pass untouched.
/// </summary>
internal sealed class LatchkeyEndpointErrorMiddleware(RequestDelegate next, LatchkeyExceptionHandler handler)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var marker = context.GetEndpoint()?.Metadata.GetMetadata<LatchkeyEndpointMetadata>();
        if (marker is null)
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            // As ExceptionHandlerMiddleware does: drop whatever the endpoint had begun to set.
            context.Response.Clear();
            if (!await handler.HandleAsync(context, exception, marker))
            {
                throw;
            }

            return;
        }

        var response = context.Response;
        if (!response.HasStarted && response.StatusCode is >= 400 and < 600 && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await LatchkeyProblems.Write(context, LatchkeyProblems.CodeForStatus(response.StatusCode));
        }
    }
}
