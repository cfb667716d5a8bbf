using Latchkey.Testing;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests;

/// <summary>Session settings that cannot work stop the server at start, with a message naming the key.</summary>
public sealed class SessionOptionsValidationTests : IDisposable
{
    private readonly string _dataDirectory = LatchkeyTestServer.NewDataDirectory();

    [Theory]
    [InlineData("Latchkey:Sessions:IdleTimeout", "00:00:30")]
    [InlineData("Latchkey:Sessions:AbsoluteTimeout", "00:05:00")]
    [InlineData("Latchkey:Sessions:TouchInterval", "00:30:00")]
    [InlineData("Latchkey:Sessions:PruneInterval", "00:00:00")]
    [InlineData("Latchkey:Sessions:PruneInterval", "365.00:00:00")]
    [InlineData("Latchkey:Sessions:PruneInterval", "1.00:00:01")]
    public async Task Start_WithUnworkableSessionSetting_FailsNamingTheKey(string key, string value)
    {
        var options = new TestServerOptions { DataDirectory = _dataDirectory };
        options.Settings[key] = value;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LatchkeyTestServer.StartAsync(options));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
