namespace Latchkey.Testing;

/// <summary>What a scan of log text for watched secrets found.</summary>
/// <param name="LinesScanned">How many log events or output lines were read.</param>
/// <param name="SecretsChecked">How many distinct secret values were looked for.</param>
/// <param name="Findings">"kind in event …" for each secret found; never the secret.</param>
/// <param name="SentInUrls">
/// Sightings, in ASP.NET Core's own request logging, of secrets that a test itself sent in a URL; not
/// findings (see <see cref="SecretWatch.AddRequestTarget"/>).
/// </param>
public sealed record LogScanResult(int LinesScanned, int SecretsChecked, IReadOnlyList<string> Findings, int SentInUrls)
{
    /// <summary>One line for the test output.</summary>
    public string Summary =>
        $"Log scan: {LinesScanned} log lines checked against {SecretsChecked} secrets; "
        + (Findings.Count == 0 ? "none found" : $"found {string.Join("; ", Findings)}")
        + (SentInUrls > 0 ? $" ({SentInUrls} sightings in request logging of secrets the test sent in a URL)." : ".");

    /// <summary>Fails (throws) when a secret was found, naming its kind and the event, not its value.</summary>
    public void ThrowIfLeaked()
    {
        if (Findings.Count > 0)
        {
            throw new SecretInLogException(Summary);
        }
    }
}
