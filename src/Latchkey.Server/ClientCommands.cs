using System.Text.Json;
using Latchkey.Clients;
using Latchkey.Storage;
using Microsoft.Extensions.Options;

namespace Latchkey.Server;

/// <summary>
/// Operator commands on the stored clients, run against the same configuration and stores as the server:
/// <c>clients list|add|update|rotate-secret|remove</c>. Running nodes pick a change up within
/// <c>Latchkey:ClientRefreshInterval</c>. A generated secret is printed once, on standard output, and never stored.
/// </summary>
internal static class ClientCommands
{
    /// <summary>Done.</summary>
    public const int Done = 0;

    /// <summary>A store did not answer; nothing may have changed.</summary>
    public const int StoreFailed = 1;

    /// <summary>The command line is malformed, or the client breaks a rule.</summary>
    public const int Usage = 2;

    /// <summary>No stored client has this id.</summary>
    public const int NotFound = 3;

    /// <summary>A client with this id exists already.</summary>
    public const int Conflict = 4;

    private const string Actor = "operator (command line)";

    private const string UsageText = """
        usage: clients list [--json]
               clients add <client-id> [--public] [definition options] [--json]
               clients update <client-id> [definition options] [--json]
               clients rotate-secret <client-id> [--json]
               clients remove <client-id> [--json]
        definition options: --scopes "<scopes>" --grant-types "<grant types>" --redirect-uri <uri>...
               --post-logout-redirect-uri <uri>... --cors-origin <origin>... --back-channel-logout-uri <uri>
               --id-token-signing-alg <RS256|ES256|PS256|EdDSA> --first-party --require-mfa
        (then any configuration switches, as for the server: --ConnectionStrings:Latchkey=...)
        """;

    // Switches that take a value, and the ones that stand alone; anything else is configuration for the host.
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "--scopes", "--grant-types", "--redirect-uri", "--post-logout-redirect-uri", "--cors-origin", "--back-channel-logout-uri", "--id-token-signing-alg",
    };

    private static readonly HashSet<string> FlagOptions = new(StringComparer.Ordinal) { "--public", "--first-party", "--require-mfa", "--json" };

    /// <summary>Runs the command named by <paramref name="args"/> (which start with <c>clients</c>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var (action, clientId, start) = args switch
        {
            ["clients", "list", ..] => ("list", null, 2),
            ["clients", "add" or "update" or "rotate-secret" or "remove", var id, ..] when !AccountCommands.IsSwitch(id) => (args[1], id, 3),
            _ => (null, null, 0),
        };
        string? parseError = null;
        if (action is null || !TryParse(args[start..], out var options, out var configuration, out parseError))
        {
            await Console.Error.WriteLineAsync(parseError ?? UsageText);
            return Usage;
        }

        var json = options.ContainsKey("--json");
        // Logs go to standard error, so that standard output holds only the command's answer (one JSON object with --json).
        await using var app = LatchkeyServer.Build(["--Logging:Console:LogToStandardErrorThreshold=Trace", .. configuration]);
        var management = app.Services.GetRequiredService<ClientManagement>();
        try
        {
            if (action == "list")
            {
                return await ListAsync(app.Services, management, json);
            }

            var result = action switch
            {
                "add" => await management.CreateAsync(Definition(clientId!, options), !options.ContainsKey("--public"), Actor, CancellationToken.None),
                "update" => await management.UpdateAsync(Definition(clientId!, options), Actor, CancellationToken.None),
                "rotate-secret" => await management.RotateSecretAsync(clientId!, Actor, CancellationToken.None),
                _ => await management.DeleteAsync(clientId!, Actor, CancellationToken.None),
            };
            return await ReportAsync(json, action, clientId!, result);
        }
        catch (StoreUnavailableException ex)
        {
            await WriteAsync(json, action, clientId, "store_unavailable", ex.Message, null, null);
            return StoreFailed;
        }
    }

    private static bool TryParse(
        string[] args, out Dictionary<string, List<string>> options, out string[] configuration, out string? error)
    {
        options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rest = new List<string>();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (FlagOptions.Contains(arg))
            {
                options[arg] = [];
            }
            else if (ValueOptions.Contains(arg))
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{arg} needs a value.";
                    break;
                }

                if (!options.TryGetValue(arg, out var values))
                {
                    options[arg] = values = [];
                }

                values.Add(args[++i]);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':', StringComparison.Ordinal))
            {
                rest.Add(arg);
            }
            else if (rest.Count > 0 && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                // The value of a configuration switch given as "--Key value".
                rest.Add(arg);
            }
            else
            {
                error = $"Unknown option '{arg}'.{Environment.NewLine}{UsageText}";
                break;
            }
        }

        configuration = [.. rest];
        return error is null;
    }

    private static ClientOptions Definition(string clientId, Dictionary<string, List<string>> options)
    {
        string? Single(string name) => options.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
        var definition = new ClientOptions
        {
            ClientId = clientId,
            Scopes = Single("--scopes") ?? string.Empty,
            GrantTypes = Single("--grant-types"),
            RequireConsent = !options.ContainsKey("--first-party"),
            BackChannelLogoutUri = Single("--back-channel-logout-uri"),
            RequireMfa = options.ContainsKey("--require-mfa"),
        };
        if (Single("--id-token-signing-alg") is { } algorithm)
        {
            definition.IdTokenSigningAlgorithm = algorithm;
        }

        foreach (var (name, list) in new[]
        {
            ("--redirect-uri", definition.RedirectUris), ("--post-logout-redirect-uri", definition.PostLogoutRedirectUris), ("--cors-origin", definition.AllowedCorsOrigins),
        })
        {
            foreach (var value in options.GetValueOrDefault(name) ?? [])
            {
                list.Add(value);
            }
        }

        return definition;
    }

    private static async Task<int> ReportAsync(bool json, string action, string clientId, ClientChangeResult result)
    {
        var (code, outcome, message) = result.Status switch
        {
            ClientChangeStatus.Done => (Done, "done", action switch
            {
                "add" => $"Client {clientId} registered" + (result.Secret is null ? " (public)." : "."),
                "update" => $"Client {clientId} updated.",
                "rotate-secret" => $"Client {clientId} has a new secret; the previous one no longer works.",
                _ => $"Client {clientId} removed.",
            }),
            ClientChangeStatus.Invalid => (Usage, "invalid", string.Join(Environment.NewLine, result.Errors ?? [])),
            ClientChangeStatus.Conflict => (Conflict, "conflict", $"A client with the id {clientId} exists already (stored or configured)."),
            _ => (NotFound, "not_found", $"No stored client has the id {clientId}."),
        };
        await WriteAsync(json, action, clientId, outcome, message, result.Secret, result.Errors);
        return code;
    }

    // Text for people (the secret on its own line, said once), or one JSON object for scripts:
    // {"action","clientId","result","message","secret"?,"errors"?}.
    private static async Task WriteAsync(bool json, string action, string? clientId, string outcome, string message, string? secret, IReadOnlyList<string>? errors)
    {
        if (json)
        {
            var output = new Dictionary<string, object?> { ["action"] = action, ["clientId"] = clientId, ["result"] = outcome, ["message"] = message };
            if (secret is not null)
            {
                output["secret"] = secret;
            }

            if (errors is not null)
            {
                output["errors"] = errors;
            }

            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(output));
            return;
        }

        await (outcome == "done" ? Console.Out : Console.Error).WriteLineAsync(message);
        if (secret is not null)
        {
            await Console.Out.WriteLineAsync($"Client secret (shown once, store it now): {secret}");
        }
    }

    private static async Task<int> ListAsync(IServiceProvider services, ClientManagement management, bool json)
    {
        var configured = services.GetRequiredService<IOptions<LatchkeyOptions>>().Value.Clients
            .Select(c => Describe(c, c.ClientSecret is not null, "configuration", null, null));
        var stored = (await management.ListAsync(CancellationToken.None))
            .Select(c => Describe(c.Definition, c.SecretHash is not null, "store", c.CreatedAt, c.UpdatedAt));
        var all = configured.Concat(stored).ToList();
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(all));
        }
        else
        {
            foreach (var client in all)
            {
                await Console.Out.WriteLineAsync($"{client["clientId"]}\t{client["source"]}\t{((bool)client["confidential"]! ? "confidential" : "public")}\t{client["scopes"]}");
            }
        }

        return Done;
    }

    private static Dictionary<string, object?> Describe(ClientOptions c, bool confidential, string source, DateTimeOffset? created, DateTimeOffset? updated) => new()
    {
        ["clientId"] = c.ClientId,
        ["source"] = source,
        ["confidential"] = confidential,
        ["scopes"] = c.Scopes,
        ["grantTypes"] = string.Join(' ', c.EffectiveGrantTypes),
        ["redirectUris"] = c.RedirectUris,
        ["postLogoutRedirectUris"] = c.PostLogoutRedirectUris,
        ["allowedCorsOrigins"] = c.AllowedCorsOrigins,
        ["requireConsent"] = c.RequireConsent,
        ["backChannelLogoutUri"] = c.BackChannelLogoutUri,
        ["idTokenSigningAlgorithm"] = c.IdTokenSigningAlgorithm,
        ["requireMfa"] = c.RequireMfa,
        ["createdAt"] = created,
        ["updatedAt"] = updated,
    };
}
