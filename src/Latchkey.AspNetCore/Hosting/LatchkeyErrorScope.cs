namespace Latchkey.AspNetCore.Hosting;

/// <summary>
/// Whether <c>UseLatchkey</c> was asked to answer the whole application's errors; read by the exception
/// handler, which ASP.NET Core also calls for the host's own endpoints.
/// </summary>
internal sealed class LatchkeyErrorScope
{
    public bool HandleAllErrors { get; set; }
}
