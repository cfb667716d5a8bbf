namespace Latchkey.Accounts;

/// <summary>A page of an account search (<see cref="IAccountStore.SearchAsync"/>), walked by keyset rather than offset.</summary>
/// <param name="EmailContains">Part of the normalized email (<see cref="EmailAddress.Normalize"/>) to match, or <see langword="null"/> for every account.</param>
/// <param name="After">The normalized email of the last account of the previous page, or <see langword="null"/> for the first page.</param>
/// <param name="Limit">The most accounts to return (1 or more).</param>
public sealed record AccountSearch(string? EmailContains, string? After, int Limit);
