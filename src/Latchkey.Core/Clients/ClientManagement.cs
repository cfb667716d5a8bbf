using Latchkey.Diagnostics;
using Latchkey.Security;

namespace Latchkey.Clients;

/// <summary>The outcome of a change to the stored clients.</summary>
public enum ClientChangeStatus
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>The definition breaks a rule; <see cref="ClientChangeResult.Errors"/> says which.</summary>
    Invalid,

    /// <summary>A client with this id exists already (stored, or declared in configuration).</summary>
    Conflict,

    /// <summary>No stored client has this id (a configured one cannot be changed at run time).</summary>
    NotFound,
}

/// <summary>What a change did.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Secret">A confidential client's new secret, to be shown once and never stored or logged.</param>
/// <param name="Errors">Why the definition was refused.</param>
/// <param name="Client">The client as stored after the change (none after a removal).</param>
public sealed record ClientChangeResult(ClientChangeStatus Status, string? Secret = null, IReadOnlyList<string>? Errors = null, StoredClient? Client = null);

/// <summary>
/// Registers, changes, re-keys and removes stored clients, under the same rules as configured ones. Secrets are
/// generated here (256 random bits), returned once and kept only as a SHA-256 hash; every change is audited with
/// its actor and applied to this node's registry at once (other nodes within <see cref="LatchkeyOptions.ClientRefreshInterval"/>).
/// </summary>
public sealed class ClientManagement(IClientStore store, ClientRegistry registry, Keys.KeyRingManager keys, SecurityAudit audit, TimeProvider time)
{
    /// <summary>Stores a new client; a confidential one (<paramref name="confidential"/>) gets a generated secret.</summary>
    public async Task<ClientChangeResult> CreateAsync(ClientOptions definition, bool confidential, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var secret = confidential ? NewSecret() : null;
        definition.ClientSecret = secret;
        if (Check(definition) is { } invalid)
        {
            return invalid;
        }

        if (registry.IsConfigured(definition.ClientId))
        {
            return new ClientChangeResult(ClientChangeStatus.Conflict);
        }

        definition.ClientSecret = null;
        var now = time.GetUtcNow();
        var stored = new StoredClient(definition, secret is null ? null : SecretHash.Compute(secret), now, now);
        if (!await store.CreateAsync(stored, cancellationToken).ConfigureAwait(false))
        {
            return new ClientChangeResult(ClientChangeStatus.Conflict);
        }

        audit.ClientRegistered(definition.ClientId, confidential ? "confidential" : "public", actor);
        await ApplyAsync().ConfigureAwait(false);
        return new ClientChangeResult(ClientChangeStatus.Done, secret, Client: stored);
    }

    /// <summary>Replaces a stored client's definition; its secret (or its being public) stays.</summary>
    public async Task<ClientChangeResult> UpdateAsync(ClientOptions definition, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var current = await FindAsync(definition.ClientId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return new ClientChangeResult(ClientChangeStatus.NotFound);
        }

        definition.ClientSecret = null;
        definition.SecretHashed = current.SecretHash is not null;
        if (Check(definition) is { } invalid)
        {
            return invalid;
        }

        var updated = current with { Definition = definition, UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false))
        {
            return new ClientChangeResult(ClientChangeStatus.NotFound);
        }

        audit.ClientUpdated(definition.ClientId, actor);
        await ApplyAsync().ConfigureAwait(false);
        return new ClientChangeResult(ClientChangeStatus.Done, Client: updated);
    }

    /// <summary>Gives a stored confidential client a new secret; the old one stops working at once.</summary>
    public async Task<ClientChangeResult> RotateSecretAsync(string clientId, string actor, CancellationToken cancellationToken)
    {
        var current = await FindAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return new ClientChangeResult(ClientChangeStatus.NotFound);
        }

        if (current.SecretHash is null)
        {
            return new ClientChangeResult(ClientChangeStatus.Invalid, Errors: [$"Client '{clientId}' is public: it has no secret to rotate."]);
        }

        var secret = NewSecret();
        var rotated = current with { SecretHash = SecretHash.Compute(secret), UpdatedAt = time.GetUtcNow() };
        if (!await store.UpdateAsync(rotated, cancellationToken).ConfigureAwait(false))
        {
            return new ClientChangeResult(ClientChangeStatus.NotFound);
        }

        audit.ClientSecretRotated(clientId, actor);
        await ApplyAsync().ConfigureAwait(false);
        return new ClientChangeResult(ClientChangeStatus.Done, secret, Client: rotated);
    }

    /// <summary>Removes a stored client.</summary>
    public async Task<ClientChangeResult> DeleteAsync(string clientId, string actor, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(clientId, cancellationToken).ConfigureAwait(false))
        {
            return new ClientChangeResult(ClientChangeStatus.NotFound);
        }

        audit.ClientRemoved(clientId, actor);
        await ApplyAsync().ConfigureAwait(false);
        return new ClientChangeResult(ClientChangeStatus.Done);
    }

    /// <summary>Every stored client.</summary>
    public Task<IReadOnlyList<StoredClient>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    // This node serves the change at once; a client that needs another ID-token algorithm gets its key chain now. The
    // change is stored by then: whoever asked must get its answer (a new secret above all), so neither the caller going
    // away nor a store hiccup here undoes that; the maintenance loop applies the change at its next refresh instead.
    private async Task ApplyAsync()
    {
        try
        {
            if (await registry.RefreshAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await keys.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Storage.StoreUnavailableException)
        {
            // Applied by LatchkeyMaintenanceService within Latchkey:ClientRefreshInterval.
        }
    }

    private async Task<StoredClient?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        (await store.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.ClientId == clientId);

    private static ClientChangeResult? Check(ClientOptions definition)
    {
        var failures = new List<string>();
        ClientOptionsValidator.Validate(definition, "Client", failures);
        return failures.Count == 0 ? null : new ClientChangeResult(ClientChangeStatus.Invalid, Errors: failures);
    }

    // 256 random bits: far beyond the 16-character minimum, and never a human choice.
    private static string NewSecret() => RandomTokens.Create(32);
}
