using Microsoft.Extensions.Options;

namespace Latchkey.Keys;

/// <summary>
/// Requires <c>Latchkey:Keys:MasterSecret</c> to be configured. Registered by the stores that several nodes share
/// (PostgreSQL): without it each node would generate a secret of its own into its data directory and could not
/// decrypt the signing keys that the other nodes wrote.
/// </summary>
public sealed class SharedStoreMasterSecretValidator : IValidateOptions<KeyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, KeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrEmpty(options.MasterSecret)
            ? ValidateOptionsResult.Fail(
                "Latchkey:Keys:MasterSecret must be set, the same on every node, when the store is shared (PostgreSQL): a secret "
                + "generated per node could not decrypt the signing keys the other nodes wrote. Create one with `openssl rand -base64 32`, "
                + "or reuse the latchkey.secret that a node generated in its data directory before.")
            : ValidateOptionsResult.Success;
    }
}
