namespace Latchkey;

/// <summary>
/// The root of Latchkey's configuration, bound from the <c>Latchkey</c> section. Its subsections
/// have options classes of their own: <c>Sessions</c> (<see cref="Sessions.SessionOptions"/>),
/// <c>Passwords</c> (<see cref="Passwords.PasswordHashingOptions"/>) and <c>Throttling</c>
/// (<see cref="Throttling.ThrottlingOptions"/>).
/// </summary>
public sealed class LatchkeyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Latchkey";

    /// <summary>Where the embedded database and key files live; created on first start.</summary>
    /// <value>The default value is <c>./data</c>.</value>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// The issuer URL: the <c>iss</c> of tokens and the server's own origin for the CSRF origin check.
    /// When unset, the first address the server listens on. Never taken from a request's Host header.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Issuer { get; set; }

    /// <summary>Origins besides the server's own that may send cookie-authenticated unsafe requests.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Service clients for the client-credentials grant and introspection.</summary>
    /// <value>The default value is empty.</value>
    public IList<Clients.ClientOptions> Clients { get; } = [];

    /// <summary>The largest JSON or form request body accepted, in bytes; at most Kestrel's 64 KiB body limit.</summary>
    /// <value>The default value is 16384 (16 KiB).</value>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// How often each node reads the stored clients (<see cref="Clients.IClientStore"/>) again: a client added,
    /// changed or removed on one node (or by the <c>clients</c> command) takes effect everywhere within this time.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ClientRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}
