using System.Net.Http.Headers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Latchkey.Samples.OidcWebApp;

/// <summary>
/// A web application that signs its users in with Latchkey as OpenID Provider, through ASP.NET Core's own OpenID
/// Connect handler: the authorization code flow with PKCE, a local cookie session, the user's access token for a
/// protected API, RP-initiated logout, and back-channel logout that ends the local session when Latchkey ends its own.
/// </summary>
public static class OidcWebApp
{
    /// <summary>The local session cookie's name.</summary>
    public const string CookieName = "oidcwebapp";

    /// <summary>The named <see cref="HttpClient"/> that reaches the protected API.</summary>
    public const string ApiClient = "api";

    /// <summary>Builds the application; <c>Program</c> runs it, tests start it on a port of their choice.</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:5100 --Oidc:Authority=http://127.0.0.1:5080</c>.</param>
    /// <param name="configure">An optional hook to adjust the builder.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Configuration.GetSection(OidcWebAppOptions.Section).Get<OidcWebAppOptions>() ?? new OidcWebAppOptions();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new SignedOutSessions(sp.GetRequiredService<TimeProvider>(), settings.SessionLifetime));
        builder.Services.AddSingleton<LogoutTokenValidator>();
        builder.Services.AddAntiforgery();
        builder.Services.AddHttpClient(ApiClient, c => c.BaseAddress = settings.ApiBaseAddress);

        builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = settings.SessionLifetime;
                o.SlidingExpiration = false;
                o.Events.OnValidatePrincipal = SignedOutSessions.ValidatePrincipalAsync;
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = settings.Authority;
                o.ClientId = settings.ClientId;
                o.ClientSecret = settings.ClientSecret;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;

                // The code flow with PKCE (S256), the answer in the query string: Latchkey supports no other.
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.Scope.Clear();
                foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    o.Scope.Add(scope);
                }

                // Tokens kept in the (encrypted) cookie: the access token for the API, the ID token for logout.
                o.SaveTokens = true;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false;
                o.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
                o.ClaimActions.MapUniqueJsonKey("preferred_username", "preferred_username");
                o.TokenValidationParameters.NameClaimType = ClaimNames.Email;

                // The answer comes back by a top-level GET, so Lax cookies carry the correlation and the nonce.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                if (!settings.RequireHttpsMetadata)
                {
                    o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }
            });
        builder.Services.AddAuthorization();

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapGet("/", (HttpContext context, IAntiforgery antiforgery) =>
                Pages.Html(Pages.Home(context.User, antiforgery.GetAndStoreTokens(context))))
            .RequireAuthorization();

        app.MapGet("/call-api", CallApiAsync).RequireAuthorization();

        app.MapPost("/signout", SignOutAsync);

        app.MapGet("/signed-out", () => Pages.Html(Pages.SignedOut));

        app.MapPost("/backchannel-logout", BackChannelLogoutAsync);

        return app;
    }

    // The user's access token, saved at sign-in, sent as a bearer token to the API; its answer shown as it came.
    private static async Task<IResult> CallApiAsync(HttpContext context, IHttpClientFactory factory, IAntiforgery antiforgery)
    {
        var accessToken = await context.GetTokenAsync("access_token");
        using var request = new HttpRequestMessage(HttpMethod.Get, "hello");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        string body;
        int? status;
        try
        {
            using var response = await factory.CreateClient(ApiClient).SendAsync(request, context.RequestAborted);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            status = null;
            body = "The API could not be reached: " + e.Message;
        }

        return Pages.Html(Pages.ApiAnswer(context.User, status, body, antiforgery.GetAndStoreTokens(context)));
    }

    // RP-initiated logout: the local cookie goes, then the OpenID Connect handler sends the browser to Latchkey's
    // end_session_endpoint with id_token_hint and post_logout_redirect_uri (/signout-callback-oidc), which comes
    // back to /signed-out.
    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }

        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/signed-out" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
    }

    // OpenID Connect Back-Channel Logout 1.0 §2.5-2.8: Latchkey posts logout_token; a valid one ends the local
    // session with that sid (or every session of that sub), and the answer is 200, else 400 with an error.
    private static async Task<IResult> BackChannelLogoutAsync(
        HttpContext context, LogoutTokenValidator validator, SignedOutSessions sessions, ILogger<LogoutTokenValidator> logger)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest(new { error = "invalid_request", error_description = "Send logout_token as a form." });
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["logout_token"] is not [{ Length: > 0 } logoutToken])
        {
            return Results.BadRequest(new { error = "invalid_request", error_description = "logout_token is missing or repeated." });
        }

        var result = await validator.ValidateAsync(logoutToken, context.RequestAborted);
        if (result.Error is not null)
        {
            logger.LogWarning("Back-channel logout refused: {Reason}", result.Error);
            return Results.BadRequest(new { error = "invalid_request", error_description = result.Error });
        }

        sessions.SignOut(result.SessionId, result.Subject);
        logger.LogInformation("Back-channel logout of session {SessionId} (user {Subject}).", result.SessionId, result.Subject);
        return Results.Ok();
    }
}
