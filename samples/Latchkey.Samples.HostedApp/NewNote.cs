namespace Latchkey.Samples.HostedApp;

/// <summary>The body of <c>POST /api/notes</c>.</summary>
public sealed record NewNote(string? Text);
