namespace Latchkey.ResourceServer.Tests.Infrastructure;

/// <summary>A started resource API (the sample) with a probe on its bearer scheme; disposing it stops the API.</summary>
public sealed class ResourceApiBearerHost(ResourceApiHost api, BearerProbe probe) : BearerHost
{
    private readonly HttpClient _http = new() { BaseAddress = api.BaseAddress };

    public ResourceApiHost Api { get; } = api;

    public override string ProtectedPath => "hello";

    public override BearerProbe Probe => probe;

    protected override HttpClient Http => _http;

    public override async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Api.DisposeAsync();
    }
}
