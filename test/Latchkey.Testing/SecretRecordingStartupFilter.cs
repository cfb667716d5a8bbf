using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Testing;

/// <summary>
/// Puts a first middleware in the test server that tells a <see cref="SecretWatch"/> the credentials in
/// every request's headers and every session cookie the server sets, whoever the client is (a browser,
/// a raw <see cref="HttpClient"/>). It reads headers only, so it changes nothing the server does.
/// </summary>
public sealed class SecretRecordingStartupFilter(SecretWatch secrets) : IStartupFilter
{
    /// <inheritdoc />
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            secrets.AddRequestTarget(context.Request.Path + context.Request.QueryString);
            var headers = context.Request.Headers;
            foreach (var authorization in headers.Authorization)
            {
                secrets.AddAuthorization(authorization);
            }

            foreach (var cookie in headers.Cookie)
            {
                secrets.AddCookies(cookie);
            }

            context.Response.OnStarting(() =>
            {
                foreach (var setCookie in context.Response.Headers[HeaderNames.SetCookie])
                {
                    secrets.AddCookies(setCookie);
                }

                return Task.CompletedTask;
            });
            return nextMiddleware(context);
        });
        next(app);
    };
}
