using Latchkey.Keys;

namespace Latchkey.Tokens;

/// <summary>Finds the published key a token's <c>kid</c> names. Must not do I/O: it runs on every request.</summary>
public interface IVerificationKeyResolver
{
    /// <summary>The key with id <paramref name="kid"/>, if published.</summary>
    bool TryGetKey(string kid, out JwsVerificationKey? key);
}
