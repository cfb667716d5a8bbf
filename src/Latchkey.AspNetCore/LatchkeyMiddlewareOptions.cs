namespace Latchkey.AspNetCore;

/// <summary>Choices for <c>UseLatchkey</c>.</summary>
public sealed class LatchkeyMiddlewareOptions
{
    /// <summary>
    /// Whether Latchkey answers the errors of the whole application: its exception handler and status-code
    /// pages turn every exception and every empty error answer into problem details, and every answer gets
    /// <c>X-Content-Type-Options</c> (and HSTS over HTTPS). The Latchkey server sets it.
    /// </summary>
    /// <remarks>
    /// Defaults to <see langword="false"/>: in a host application only Latchkey's own endpoints (those
    /// <c>MapLatchkey</c> maps) get Latchkey's error answers and headers, and the host's exception handler
    /// and status-code pages keep the rest.
    /// </remarks>
    public bool HandleAllErrors { get; set; }
}
