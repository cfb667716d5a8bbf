using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.AspNetCore.OpenApi;

/// <summary>The security schemes Latchkey's operations name: the session cookie, its CSRF token, bearer tokens and client authentication.</summary>
internal sealed class LatchkeySecuritySchemes : IOpenApiDocumentTransformer
{
    public const string Session = "session";
    public const string CsrfToken = "csrfToken";
    public const string Bearer = "bearer";
    public const string Client = "clientBasic";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        var schemes = document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        schemes[Session] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = LatchkeyDefaults.SessionCookieName,
            Description = $"The session cookie set by `POST /api/session`: `{LatchkeyDefaults.SessionCookieName}` over HTTP, "
                + $"`{LatchkeyDefaults.SecureSessionCookieName}` over HTTPS. HttpOnly: browsers send it, scripts never see it.",
        };
        schemes[CsrfToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = LatchkeyDefaults.CsrfHeaderName,
            Description = "The session's CSRF token (`csrfToken` of the login and `GET /api/session` answers), required with the session cookie "
                + "on every unsafe request (POST, PUT, PATCH, DELETE); a bearer-authenticated request needs none.",
        };
        schemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token of this server (RFC 9068 JWT) as `Authorization: Bearer`, from `POST /oauth/token` or `POST /api/session/token`.",
        };
        schemes[Client] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "Client authentication (`client_secret_basic`, RFC 6749 §2.3.1): the client id and secret, each form-urlencoded, as HTTP Basic. "
                + "Where the form takes them, `client_id` and `client_secret` may be sent there instead (`client_secret_post`), never both.",
        };
        return Task.CompletedTask;
    }
}
