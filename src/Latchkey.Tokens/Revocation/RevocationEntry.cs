namespace Latchkey.Revocation;

/// <summary>One revocation; it can be forgotten at <paramref name="ExpiresAt"/>, when every token it covers has expired.</summary>
/// <param name="Kind">What it covers.</param>
/// <param name="Id">The <c>jti</c>, the <c>sid</c>, or the account id.</param>
/// <param name="Generation">For <see cref="RevocationKind.UserGeneration"/>: tokens below this generation are refused.</param>
/// <param name="ExpiresAt">When the entry is no longer needed.</param>
public sealed record RevocationEntry(RevocationKind Kind, string Id, long Generation, DateTimeOffset ExpiresAt);
