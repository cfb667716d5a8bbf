using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.AspNetCore.Routing;
using Latchkey.Server.Tests.Infrastructure;
using Latchkey.Testing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.OpenApi;

/// <summary>
/// The OpenAPI document the server serves at <c>/openapi/v1.json</c>: OpenAPI 3.1, every endpoint <c>MapLatchkey</c> maps,
/// the security schemes and the request and error shapes, and byte for byte what docs/openapi.json holds, so that the
/// checked-in copy never drifts from the code.
/// </summary>
public sealed class OpenApiDocumentTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>
{
    private const string UpdateVariable = "LATCHKEY_UPDATE_OPENAPI";
    private readonly LatchkeyTestServer _server = fixture.Server;

    private static string CheckedInPath => Path.Combine(RepositoryFolder.Root(), "docs", "openapi.json");

    [Fact]
    public async Task Document_IsTheCheckedInCopy()
    {
        var served = await FetchAsync();

        // Regenerating is a deliberate act on a developer's machine; CI only ever compares.
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1" && Environment.GetEnvironmentVariable("CI") is not ("true" or "1"))
        {
            await File.WriteAllTextAsync(CheckedInPath, Format(served));
        }

        var checkedIn = File.Exists(CheckedInPath) ? JsonNode.Parse(await File.ReadAllTextAsync(CheckedInPath)) : null;
        var difference = JsonDifference.Find(checkedIn, served);
        Assert.True(
            difference is null,
            $"docs/openapi.json differs from the document the server serves, first at {difference}. If the change to the API is meant, "
            + $"regenerate the file with `{UpdateVariable}=1 dotnet test test/Latchkey.Server.Tests --filter FullyQualifiedName~OpenApiDocumentTests`, "
            + "read its diff and commit it.");
    }

    [Fact]
    public async Task Document_IsOpenApi31_WithoutServerAddresses()
    {
        using var client = _server.CreateClient();
        using var response = await client.Http.GetAsync("openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(text)!;
        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Latchkey", document["info"]!["title"]!.GetValue<string>());
        Assert.Null(document["servers"]);
        Assert.DoesNotContain(_server.BaseAddress.Authority, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_DeclaresTheSecuritySchemes()
    {
        var schemes = (await FetchAsync())["components"]!["securitySchemes"]!;

        Assert.Equal(("apiKey", "cookie", "latchkey_session"), (Text(schemes["session"]!["type"]), Text(schemes["session"]!["in"]), Text(schemes["session"]!["name"])));
        Assert.Equal(("apiKey", "header", "X-CSRF-Token"), (Text(schemes["csrfToken"]!["type"]), Text(schemes["csrfToken"]!["in"]), Text(schemes["csrfToken"]!["name"])));
        Assert.Equal(("http", "bearer", "JWT"), (Text(schemes["bearer"]!["type"]), Text(schemes["bearer"]!["scheme"]), Text(schemes["bearer"]!["bearerFormat"])));
        Assert.Equal(("http", "basic"), (Text(schemes["clientBasic"]!["type"]), Text(schemes["clientBasic"]!["scheme"])));
    }

    [Fact]
    public async Task Document_DescribesEveryLatchkeyEndpoint()
    {
        var paths = (await FetchAsync())["paths"]!.AsObject();
        var endpoints = _server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<LatchkeyEndpointMetadata>() is not null)
            .ToList();

        var missing = new List<string>();
        var described = 0;
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                Assert.True(IsDeliberatelyUndescribed(endpoint), $"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText}) is left out of the OpenAPI document without a reason.");
                continue;
            }

            var path = DocumentPath(endpoint.RoutePattern);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                described++;
                if (paths[path]?[method.ToLowerInvariant()] is null)
                {
                    missing.Add($"{method} {path}");
                }
            }
        }

        Assert.True(missing.Count == 0, "Latchkey endpoints missing from the OpenAPI document: " + string.Join(", ", missing));
        Assert.True(described >= 50, $"Only {described} operations found: the endpoint enumeration is broken.");
    }

    [Fact]
    public void LatchkeyEndpoints_CarryNoAcceptsMetadata()
    {
        // Routing reads IAcceptsMetadata on every request and answers a foreign content type 415 itself; Latchkey's
        // endpoints answer it in their own words, so their bodies are described with Latchkey's own metadata instead.
        var accepting = _server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<LatchkeyEndpointMetadata>() is not null && e.Metadata.GetMetadata<IAcceptsMetadata>() is not null)
            .Select(e => e.DisplayName);

        Assert.Empty(accepting);
    }

    [Fact]
    public async Task JsonEndpoint_HasItsBodyAndProblemSchemas()
    {
        var document = await FetchAsync();
        var createAccount = document["paths"]!["/api/accounts"]!["post"]!;

        Assert.Equal("#/components/schemas/CredentialsRequest", Ref(createAccount["requestBody"]!["content"]!["application/json"]!));
        Assert.Equal("#/components/schemas/AccountCreatedResponse", Ref(createAccount["responses"]!["201"]!["content"]!["application/json"]!));
        Assert.Equal("#/components/schemas/LatchkeyProblem", Ref(createAccount["responses"]!["409"]!["content"]!["application/problem+json"]!));
        Assert.Contains("`email_taken`", Text(createAccount["responses"]!["409"]!["description"]), StringComparison.Ordinal);
        Assert.Contains("`malformed_json`", Text(createAccount["responses"]!["400"]!["description"]), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/LatchkeyProblem", Ref(createAccount["responses"]!["default"]!["content"]!["application/problem+json"]!));

        var problem = document["components"]!["schemas"]!["LatchkeyProblem"]!;
        Assert.Equal(["type", "title", "status", "code"], problem["required"]!.AsArray().Select(Text));
        Assert.Equal("integer", Text(problem["properties"]!["status"]!["type"]));
    }

    [Fact]
    public async Task TokenEndpoint_TakesAFormAndAnswersOAuthErrors()
    {
        var document = await FetchAsync();
        var token = document["paths"]!["/oauth/token"]!["post"]!;

        Assert.Equal("#/components/schemas/TokenRequest", Ref(token["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!));
        Assert.Equal("#/components/schemas/TokenResponse", Ref(token["responses"]!["200"]!["content"]!["application/json"]!));
        Assert.Equal("#/components/schemas/OAuthError", Ref(token["responses"]!["400"]!["content"]!["application/json"]!));
        Assert.Contains("`invalid_grant`", Text(token["responses"]!["400"]!["description"]), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/OAuthError", Ref(token["responses"]!["default"]!["content"]!["application/json"]!));
        Assert.Equal(["clientBasic", ""], Requirements(token));

        var grantType = document["components"]!["schemas"]!["TokenRequest"]!["properties"]!["grant_type"]!;
        Assert.Equal(["authorization_code", "refresh_token", "client_credentials", "password"], grantType["enum"]!.AsArray().Select(Text));

        foreach (var (path, schema) in new[] { ("/oauth/revoke", "RevocationRequest"), ("/oauth/introspect", "IntrospectionRequest") })
        {
            Assert.Equal($"#/components/schemas/{schema}", Ref(document["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!));
        }

        Assert.Equal(["clientBasic"], Requirements(document["paths"]!["/oauth/introspect"]!["post"]!));
    }

    [Fact]
    public async Task AuthorizeEndpoint_TakesQueryParametersOnGetAndAFormOnPost()
    {
        var authorize = (await FetchAsync())["paths"]!["/oauth/authorize"]!;

        var get = authorize["get"]!;
        Assert.Null(get["requestBody"]);
        var parameters = get["parameters"]!.AsArray().ToDictionary(p => Text(p!["name"]), p => p!);
        Assert.All(parameters.Values, p => Assert.Equal("query", Text(p["in"])));
        Assert.True(parameters["client_id"]["required"]!.GetValue<bool>());
        Assert.Equal(["S256"], parameters["code_challenge_method"]["schema"]!["enum"]!.AsArray().Select(Text));
        Assert.Null(parameters["state"]["required"]);
        Assert.Equal("#/components/schemas/AuthorizationRequest", Ref(authorize["post"]!["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!));
        Assert.Equal(["authorizeGet", "authorizePost"], new[] { Text(get["operationId"]), Text(authorize["post"]!["operationId"]) });
        Assert.NotNull(get["responses"]!["302"]);
    }

    [Fact]
    public async Task SessionEndpoints_NameTheCookieTheCsrfTokenAndBearer()
    {
        var paths = (await FetchAsync())["paths"]!;

        var logout = paths["/api/session"]!["delete"]!;
        Assert.Equal(["session+csrfToken"], Requirements(logout));
        Assert.Contains("`csrf_token_invalid`", Text(logout["responses"]!["403"]!["description"]), StringComparison.Ordinal);
        Assert.Equal(["session", "bearer"], Requirements(paths["/api/me"]!["get"]!));
        Assert.Equal(["session+csrfToken", "bearer"], Requirements(paths["/api/sessions"]!["delete"]!));
        Assert.Contains("`reauthentication_required`", Text(paths["/api/sessions"]!["delete"]!["responses"]!["403"]!["description"]), StringComparison.Ordinal);
        Assert.Null(paths["/api/session"]!["post"]!["security"]);
        Assert.Equal("#/components/schemas/MfaChallengeProblem", Ref(paths["/api/session"]!["post"]!["responses"]!["401"]!["content"]!["application/problem+json"]!));
    }

    [Fact]
    public async Task OpenApi_CanBeTurnedOff()
    {
        var options = new TestServerOptions();
        options.Settings["Latchkey:OpenApi:Enabled"] = "false";
        await using var server = await LatchkeyTestServer.StartAsync(options);
        using var client = server.CreateClient();

        using var response = await client.Http.GetAsync("openapi/v1.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    // Pages and their assets are HTML and scripts for browsers, not API; the group fallbacks answer 404 and 405 for what
    // no endpoint maps. Everything else MapLatchkey maps must be in the document.
    private static bool IsDeliberatelyUndescribed(RouteEndpoint endpoint)
    {
        if (endpoint.DisplayName == "Latchkey fallback")
        {
            return true;
        }

        var pattern = endpoint.RoutePattern;
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        var pageMethods = methods.All(m => m is "GET" or "HEAD");
        return pageMethods && (pattern.RawText is "/" or "/assets/{name}"
            || (pattern.PathSegments.Count == 1 && pattern.Parameters.Count == 0 && File.Exists(PageFile(pattern))));
    }

    private static string PageFile(RoutePattern pattern) =>
        Path.Combine(RepositoryFolder.Root(), "src", "Latchkey.AspNetCore", "Pages", "wwwroot", pattern.PathSegments[0].Parts.OfType<RoutePatternLiteralPart>().Single().Content + ".html");

    // The path as OpenAPI writes it: literal segments and {parameters}, without a trailing slash.
    private static string DocumentPath(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            _ => string.Empty,
        }))));

    // Each alternative as its schemes joined by '+'; "" for the empty requirement (credentials optional).
    private static IEnumerable<string> Requirements(JsonNode operation) =>
        operation["security"]!.AsArray().Select(r => string.Join("+", r!.AsObject().Select(s => s.Key)));

    private static string? Ref(JsonNode mediaType) => mediaType["schema"]?["$ref"]?.GetValue<string>();

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    private static string Format(JsonNode document) =>
        document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private async Task<JsonNode> FetchAsync()
    {
        using var client = _server.CreateClient();
        using var response = await client.Http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
