using System.Text.Json.Nodes;
using Latchkey.Server.Tests.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Latchkey.Server.Tests.OpenApi;

/// <summary>
/// Latchkey in someone else's application, under a prefix, with <c>AddLatchkeyTransformers()</c>: its operations are
/// described where the host mapped them, and the host's own operations are left as the host described them.
/// </summary>
public sealed class HostedOpenApiTests : IAsyncLifetime
{
    private HostApp _host = null!;

    public async Task InitializeAsync() =>
        _host = await HostApp.StartAsync("/auth/v1", latchkey => latchkey.Services.AddOpenApi(o => o.AddLatchkeyTransformers()));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task LatchkeyUnderAPrefix_IsDescribedThere()
    {
        var paths = (await DocumentAsync())["paths"]!;

        var logout = paths["/auth/v1/api/session"]!["delete"]!;
        Assert.Equal("logout", logout["operationId"]!.GetValue<string>());
        Assert.Equal(["session", "csrfToken"], logout["security"]![0]!.AsObject().Select(s => s.Key));
        var token = paths["/auth/v1/oauth/token"]!["post"]!;
        Assert.Equal("#/components/schemas/TokenRequest", token["requestBody"]!["content"]!["application/x-www-form-urlencoded"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/OAuthError", token["responses"]!["default"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task HostOperations_AreLeftAlone()
    {
        var mine = (await DocumentAsync())["paths"]!["/mine"]!["get"]!;

        Assert.Null(mine["security"]);
        Assert.Null(mine["operationId"]);
        Assert.Null(mine["responses"]!["default"]);
    }

    private async Task<JsonNode> DocumentAsync()
    {
        var provider = _host.App.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
        var document = await provider.GetOpenApiDocumentAsync();
        return JsonNode.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1))!;
    }
}
