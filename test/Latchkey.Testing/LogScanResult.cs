namespace Latchkey.Testing;

/// <summary>What a scan of log text for watched secrets found.</summary>
/// <param name="LinesScanned">How many log events or output lines were read.</param>
/// <param name="SecretsChecked">How many distinct secret values were looked for.</param>
/// <param name="Findings">"kind in event …" for each secret found; never the secret.</param>
public sealed record LogScanResult(int LinesScanned, int SecretsChecked, IReadOnlyList<string> Findings)
{
    /// <summary>One line for the test output.</summary>
    public string Summary => Findings.Count == 0
        ? $"Log scan: {LinesScanned} log lines checked against {SecretsChecked} secrets; none found."
        : $"Log scan: {LinesScanned} log lines checked against {SecretsChecked} secrets; found {string.Join("; ", Findings)}.";

    /// <summary>Fails (throws) when a secret was found, naming its kind and the event, not its value.</summary>
    public void ThrowIfLeaked()
    {
        if (Findings.Count > 0)
        {
            throw new SecretInLogException(Summary);
        }
    }
}
