using Latchkey.Tokens;

namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// How a resource server validates: against the keys of <see cref="LatchkeyKeyCache"/> and, when configured,
/// the revocations of <see cref="LatchkeyRevocationFeed"/>. A token that names an unknown key makes the cache
/// refetch (within its cooldown) and is validated once more.
/// </summary>
internal sealed class JwksTokenValidation(
    LatchkeyKeyCache keys, AccessTokenValidator validator, AccessTokenValidationParameters parameters,
    LatchkeyRevocationFeed? revocations, TimeSpan readyTimeout, TimeProvider time) : IBearerTokenValidation
{
    // Refusals of this class's own making, beside the validator's.
    private static readonly AccessTokenValidationResult UnknownKey = AccessTokenValidationResult.Fail(TokenValidationError.UnknownKey);

    public LatchkeyKeyCache Keys { get; } = keys;

    public LatchkeyRevocationFeed? Revocations { get; } = revocations;

    public ValueTask<AccessTokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        Keys.RefreshIfStale();
        if (Revocations is { Ready.IsCompleted: false })
        {
            return ValidateSlowAsync(token, cancellationToken);
        }

        var result = validator.Validate(token, parameters);
        return result.Error == TokenValidationError.UnknownKey
            ? RefetchAndValidateAsync(token, cancellationToken)
            : new ValueTask<AccessTokenValidationResult>(result);
    }

    private async ValueTask<AccessTokenValidationResult> ValidateSlowAsync(string token, CancellationToken cancellationToken)
    {
        // Right after start, wait briefly for the first snapshot, so that a revoked token is not let in merely
        // because this server has not heard of its revocation yet.
        try
        {
            await Revocations!.Ready.WaitAsync(readyTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return AccessTokenValidationResult.Fail(TokenValidationError.RevocationsUnavailable);
        }

        var result = validator.Validate(token, parameters);
        return result.Error == TokenValidationError.UnknownKey
            ? await RefetchAndValidateAsync(token, cancellationToken).ConfigureAwait(false)
            : result;
    }

    // A key Latchkey published after our last fetch, or a forged kid: refetch at most once per cooldown, then
    // validate once more (the keys may also have arrived through a fetch that was already running).
    private async ValueTask<AccessTokenValidationResult> RefetchAndValidateAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            await Keys.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return UnknownKey;
        }

        return validator.Validate(token, parameters);
    }
}
