namespace Latchkey.Samples.HostedApp;

/// <summary>A note.</summary>
public sealed record Note(string Id, string Text);
