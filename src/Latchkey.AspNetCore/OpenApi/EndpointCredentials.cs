namespace Latchkey.AspNetCore.OpenApi;

/// <summary>
/// The credentials an endpoint takes, for its OpenAPI security requirements. An endpoint without this metadata takes
/// a session or a bearer token when it requires authorization, and nothing otherwise.
/// </summary>
[Flags]
internal enum EndpointCredentials
{
    /// <summary>No credential.</summary>
    None = 0,

    /// <summary>The session cookie; with the CSRF token on an unsafe method when the endpoint checks it.</summary>
    Session = 1,

    /// <summary>An access token as <c>Authorization: Bearer</c>.</summary>
    Bearer = 2,

    /// <summary>Client authentication: HTTP Basic, or <c>client_id</c> and <c>client_secret</c> in the form.</summary>
    Client = 4,

    /// <summary>The credentials above may also be left out.</summary>
    Optional = 8,
}
