namespace Latchkey.Testing;

/// <summary>How a <see cref="LatchkeyTestServer"/> starts.</summary>
public sealed class TestServerOptions
{
    /// <summary>The data directory; a fresh temporary one when null.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Listen over HTTPS with <see cref="TestCertificate"/>.</summary>
    public bool Https { get; set; }

    /// <summary>Replaces the server's clock (for example with a FakeTimeProvider).</summary>
    public TimeProvider? Time { get; set; }

    /// <summary>
    /// Argon2id at test strength (m=1 MiB, t=1) so that suites run fast; set false to run the
    /// production defaults.
    /// </summary>
    public bool FastPasswordHashing { get; set; } = true;

    /// <summary>Extra configuration, as <c>Latchkey:Section:Key</c> to value.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adjusts the builder after the test server's own changes, for example to add a startup filter.</summary>
    public Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureBuilder { get; set; }

    /// <summary>Also receives every log event the server writes (category, level, text), as it is written.</summary>
    public Action<string, Microsoft.Extensions.Logging.LogLevel, string>? LogSink { get; set; }
}
