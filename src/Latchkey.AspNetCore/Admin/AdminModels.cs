using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.AspNetCore.Admin;

/// <summary>One page of a list: <c>next</c> is the cursor of the following page, <see langword="null"/> on the last one.</summary>
public sealed record AdminPage<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>The query of an admin list (documentation only: <see cref="AdminPaging"/> reads it).</summary>
public class AdminListQuery
{
    /// <summary>How many items at most: 1 to 200, 50 when left out.</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>next</c> of the page before; left out for the first page.</summary>
    public string? Cursor { get; init; }
}

/// <summary>The query of <c>GET /admin/accounts</c>.</summary>
public sealed class AdminAccountQuery : AdminListQuery
{
    /// <summary>Any part of the email address, matched case-insensitively; every account when left out.</summary>
    public string? Email { get; init; }
}

/// <summary>An account as an operator sees it: never its password hash.</summary>
public sealed record AdminAccount(
    string Id, string Email, bool EmailVerified, DateTimeOffset CreatedAt, DateTimeOffset PasswordChangedAt, DateTimeOffset? DisabledAt,
    IReadOnlyList<string> Roles);

/// <summary>An account with what it has enrolled (<c>GET /admin/accounts/{id}</c>).</summary>
public sealed record AdminAccountDetails(AdminAccount Account, AdminMfaSummary Mfa, int Sessions);

/// <summary>The second factors of an account: whether it has an authenticator, how many recovery codes and passkeys.</summary>
public sealed record AdminMfaSummary(bool Totp, int RecoveryCodes, int Passkeys);

/// <summary>A live session of an account; its public id names it, the session id never leaves the server.</summary>
public sealed record AdminSession(
    string Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset IdleExpiresAt, DateTimeOffset AbsoluteExpiresAt,
    string? UserAgent, string? Ip, IReadOnlyList<string> Amr);

/// <summary>
/// A client definition for <c>POST /admin/clients</c> and <c>PUT /admin/clients/{clientId}</c>; the same fields as a
/// client in configuration (docs/oidc.md). <c>confidential</c> (create only, default true) asks for a generated secret.
/// </summary>
public sealed record AdminClientRequest(
    string? ClientId,
    bool? Confidential,
    string? Scopes,
    string? GrantTypes,
    IReadOnlyList<string>? RedirectUris,
    IReadOnlyList<string>? PostLogoutRedirectUris,
    IReadOnlyList<string>? AllowedCorsOrigins,
    bool? RequireConsent,
    string? BackChannelLogoutUri,
    string? IdTokenSigningAlgorithm,
    bool? RequireMfa);

/// <summary>A client as an operator sees it; <c>source</c> is <c>configuration</c> (read-only here) or <c>store</c>.</summary>
public sealed record AdminClient(
    string ClientId, string Source, bool Confidential, string Scopes, string GrantTypes, IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris, IReadOnlyList<string> AllowedCorsOrigins, bool RequireConsent, string? BackChannelLogoutUri,
    string IdTokenSigningAlgorithm, bool RequireMfa, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);

/// <summary>A client with its new secret, shown in this answer only and never again.</summary>
public sealed record AdminClientWithSecret(
    AdminClient Client,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientSecret);

/// <summary>A signing key: never its private half.</summary>
/// <param name="Kid">Its key id, as published in the JWKS.</param>
/// <param name="Algorithm">Its JWS algorithm.</param>
/// <param name="Use"><c>access_tokens</c> or <c>id_tokens</c>.</param>
/// <param name="State"><c>pending</c>, <c>signing</c> or <c>retiring</c>.</param>
/// <param name="CreatedAt">When it was made and published.</param>
/// <param name="ActivatesAt">When it starts (or started) signing.</param>
public sealed record AdminSigningKey(string Kid, string Algorithm, string Use, string State, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt);

/// <summary>Answer of <c>POST /admin/keys/{kid}/retire</c>: the key that signs in the retired one's place, if it was signing.</summary>
public sealed record AdminKeyRetirement(string Retired, string? Replacement);

/// <summary>Answer of <c>POST /admin/accounts/{id}/mfa/reset</c>: what was removed.</summary>
public sealed record AdminMfaReset(bool Totp, int RecoveryCodes, int Passkeys);

/// <summary>Source-generated JSON for the admin API.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    AllowDuplicateProperties = false,
    MaxDepth = 16,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AdminListQuery))]
[JsonSerializable(typeof(AdminAccountQuery))]
[JsonSerializable(typeof(AdminPage<AdminAccount>))]
[JsonSerializable(typeof(AdminAccountDetails))]
[JsonSerializable(typeof(AdminAccount))]
[JsonSerializable(typeof(AdminPage<AdminSession>))]
[JsonSerializable(typeof(AdminClientRequest))]
[JsonSerializable(typeof(AdminPage<AdminClient>))]
[JsonSerializable(typeof(AdminClient))]
[JsonSerializable(typeof(AdminClientWithSecret))]
[JsonSerializable(typeof(AdminPage<AdminSigningKey>))]
[JsonSerializable(typeof(AdminSigningKey[]))]
[JsonSerializable(typeof(AdminKeyRetirement))]
[JsonSerializable(typeof(AdminMfaReset))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
