using Latchkey.Accounts;
using Latchkey.AspNetCore.Http;
using Latchkey.AspNetCore.OpenApi;
using Latchkey.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Admin;

/// <summary>
/// Clients under <c>/admin/clients</c>: the configured ones are listed (read-only), the stored ones created, changed,
/// re-keyed and removed through <see cref="ClientManagement"/>, the service the <c>clients</c> command uses too.
/// </summary>
internal static class AdminClientEndpoints
{
    public static void Map(IEndpointRouteBuilder admin)
    {
        var clients = admin.MapGroup("/clients").WithTags("Admin: clients");
        clients.MapGet("/", ListAsync).AcceptsQuery<AdminListQuery>()
            .Documented("adminListClients", "Every client, configured and stored", "Ordered by client id; paged like every admin list.")
            .Produces<AdminPage<AdminClient>>().Refuses(LatchkeyErrors.ValidationFailed);
        clients.MapGet("/{clientId}", GetAsync)
            .Documented("adminGetClient", "One client").Produces<AdminClient>().Refuses(LatchkeyErrors.NotFound);
        clients.MapPost("/", CreateAsync).AcceptsJson<AdminClientRequest>()
            .Documented(
                "adminCreateClient", "Register a client",
                "A confidential client (the default) gets a generated secret in this answer, shown once: only its hash is kept. "
                + "Every node serves the client within `Latchkey:ClientRefreshInterval`, this one at once.")
            .Produces<AdminClientWithSecret>(StatusCodes.Status201Created)
            .Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.ClientExists);
        clients.MapPut("/{clientId}", UpdateAsync).AcceptsJson<AdminClientRequest>()
            .Documented("adminUpdateClient", "Replace a stored client's definition", "Its secret (or its being public) stays. A configured client cannot be changed here.")
            .Produces<AdminClient>().Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.NotFound);
        clients.MapPost("/{clientId}/secret", RotateSecretAsync)
            .Documented("adminRotateClientSecret", "Give a stored confidential client a new secret", "Shown once in this answer; the old secret stops working at once.")
            .Produces<AdminClientWithSecret>().Refuses(LatchkeyErrors.ValidationFailed, LatchkeyErrors.NotFound);
        clients.MapDelete("/{clientId}", DeleteAsync)
            .Documented("adminDeleteClient", "Remove a stored client", "Its refresh tokens are refused from then on.")
            .Produces(StatusCodes.Status204NoContent).Refuses(LatchkeyErrors.NotFound);
    }

    private static async Task<List<AdminClient>> AllAsync(IOptions<LatchkeyOptions> options, IClientRegistry registry, ClientManagement management, CancellationToken ct)
    {
        var all = options.Value.Clients
            .Select(c => Describe(c, registry.Find(c.ClientId)?.IsConfidential ?? false, "configuration", null, null))
            .ToList();
        // A stored client with a configured client's id is ignored by the registry, so it is not listed either.
        all.AddRange((await management.ListAsync(ct)).Where(c => !all.Exists(a => a.ClientId == c.ClientId)).Select(Describe));
        return all;
    }

    private static AdminClient Describe(StoredClient c) => Describe(c.Definition, c.SecretHash is not null, "store", c.CreatedAt, c.UpdatedAt);

    private static AdminClient Describe(ClientOptions c, bool confidential, string source, DateTimeOffset? created, DateTimeOffset? updated) => new(
        c.ClientId, source, confidential, c.Scopes, string.Join(' ', c.EffectiveGrantTypes), [.. c.RedirectUris], [.. c.PostLogoutRedirectUris],
        [.. c.AllowedCorsOrigins], c.RequireConsent, c.BackChannelLogoutUri, c.IdTokenSigningAlgorithm, c.RequireMfa, created, updated);

    private static async Task<IResult> ListAsync(HttpContext context, IOptions<LatchkeyOptions> options, IClientRegistry registry, ClientManagement management)
    {
        if (!AdminPaging.TryRead(context, out var limit, out var after, out var problem))
        {
            return problem!;
        }

        var page = AdminPaging.Slice(await AllAsync(options, registry, management, context.RequestAborted), c => c.ClientId, limit, after);
        return TypedResults.Json(page, AdminJsonContext.Default.AdminPageAdminClient);
    }

    private static async Task<IResult> GetAsync(string clientId, HttpContext context, IOptions<LatchkeyOptions> options, IClientRegistry registry, ClientManagement management) =>
        (await AllAsync(options, registry, management, context.RequestAborted)).FirstOrDefault(c => c.ClientId == clientId) is { } client
            ? TypedResults.Json(client, AdminJsonContext.Default.AdminClient)
            : ClientNotFound();

    private static async Task<IResult> CreateAsync(HttpContext context, ClientManagement management, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, AdminJsonContext.Default.AdminClientRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var definition = Definition(body!, body!.ClientId);
        var result = await management.CreateAsync(definition, body.Confidential ?? true, AdminOperator.Of(context).ToString(), context.RequestAborted);
        return result.Status switch
        {
            ClientChangeStatus.Done => WithSecret(context, result, StatusCodes.Status201Created),
            ClientChangeStatus.Conflict => LatchkeyProblems.Result(LatchkeyErrors.ClientExists, $"A client with the id '{definition.ClientId}' exists already."),
            _ => Invalid(result),
        };
    }

    private static async Task<IResult> UpdateAsync(string clientId, HttpContext context, ClientManagement management, IOptions<LatchkeyOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(context, AdminJsonContext.Default.AdminClientRequest, options.Value.MaxRequestBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.ClientId is { } named && named != clientId)
        {
            return LatchkeyProblems.Result(
                LatchkeyErrors.ValidationFailed, errors: new ValidationErrors { ["clientId"] = ["clientId may be left out; when given it must be the one in the path."] });
        }

        if (body.Confidential is not null)
        {
            return LatchkeyProblems.Result(
                LatchkeyErrors.ValidationFailed, errors: new ValidationErrors { ["confidential"] = ["A client stays confidential or public: register a new one to change it."] });
        }

        var result = await management.UpdateAsync(Definition(body, clientId), AdminOperator.Of(context).ToString(), context.RequestAborted);
        return result.Status switch
        {
            ClientChangeStatus.Done => TypedResults.Json(Describe(result.Client!), AdminJsonContext.Default.AdminClient),
            ClientChangeStatus.NotFound => ClientNotFound(),
            _ => Invalid(result),
        };
    }

    private static async Task<IResult> RotateSecretAsync(string clientId, HttpContext context, ClientManagement management)
    {
        var result = await management.RotateSecretAsync(clientId, AdminOperator.Of(context).ToString(), context.RequestAborted);
        return result.Status switch
        {
            ClientChangeStatus.Done => WithSecret(context, result, StatusCodes.Status200OK),
            ClientChangeStatus.NotFound => ClientNotFound(),
            _ => Invalid(result),
        };
    }

    private static async Task<IResult> DeleteAsync(string clientId, HttpContext context, ClientManagement management)
    {
        var result = await management.DeleteAsync(clientId, AdminOperator.Of(context).ToString(), context.RequestAborted);
        return result.Status == ClientChangeStatus.Done ? TypedResults.NoContent() : ClientNotFound();
    }

    // The answer comes from what the change stored, not from a second read: the secret in it must reach the caller.
    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<AdminClientWithSecret> WithSecret(HttpContext context, ClientChangeResult result, int status)
    {
        var client = Describe(result.Client!);
        if (status == StatusCodes.Status201Created)
        {
            context.Response.Headers.Location = $"{context.Request.PathBase}{context.Request.Path.Value?.TrimEnd('/')}/{Uri.EscapeDataString(client.ClientId)}";
        }

        return TypedResults.Json(new AdminClientWithSecret(client, result.Secret), AdminJsonContext.Default.AdminClientWithSecret, statusCode: status);
    }

    private static ClientOptions Definition(AdminClientRequest body, string? clientId)
    {
        var definition = new ClientOptions
        {
            ClientId = clientId ?? string.Empty,
            Scopes = body.Scopes ?? string.Empty,
            GrantTypes = body.GrantTypes,
            RequireConsent = body.RequireConsent ?? true,
            BackChannelLogoutUri = body.BackChannelLogoutUri,
            RequireMfa = body.RequireMfa ?? false,
        };
        if (body.IdTokenSigningAlgorithm is { } algorithm)
        {
            definition.IdTokenSigningAlgorithm = algorithm;
        }

        foreach (var uri in body.RedirectUris ?? [])
        {
            definition.RedirectUris.Add(uri);
        }

        foreach (var uri in body.PostLogoutRedirectUris ?? [])
        {
            definition.PostLogoutRedirectUris.Add(uri);
        }

        foreach (var origin in body.AllowedCorsOrigins ?? [])
        {
            definition.AllowedCorsOrigins.Add(origin);
        }

        return definition;
    }

    // The rules speak of configuration keys ("Client:RedirectUris:0 must…"); the field is the key after the prefix.
    private static IResult Invalid(ClientChangeResult result)
    {
        var errors = new ValidationErrors();
        foreach (var group in (result.Errors ?? ["The client definition is not acceptable."]).GroupBy(FieldOf, StringComparer.Ordinal))
        {
            errors[group.Key] = [.. group];
        }

        return LatchkeyProblems.Result(LatchkeyErrors.ValidationFailed, errors: errors);
    }

    private static string FieldOf(string message)
    {
        var key = message.Split(' ', 2)[0].TrimEnd(':');
        var parts = key.Split(':');
        var field = parts.Length > 1 ? parts[1] : "client";
        return field.Length == 0 ? "client" : char.ToLowerInvariant(field[0]) + field[1..];
    }

    private static IResult ClientNotFound() => LatchkeyProblems.Result(LatchkeyErrors.NotFound, "No client has this id (or it is configured, and cannot be changed here).");
}
