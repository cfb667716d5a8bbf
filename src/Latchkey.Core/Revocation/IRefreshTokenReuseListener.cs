using Latchkey.RefreshTokens;
using Latchkey.Security;

namespace Latchkey.Revocation;

/// <summary>
/// Told when a spent refresh token is presented again, after its whole family has been revoked; the
/// ASP.NET Core integration raises <c>LatchkeyEvents.OnRefreshTokenReused</c> from it.
/// </summary>
public interface IRefreshTokenReuseListener
{
    /// <summary>Handles the notification; the refresh is refused whatever happens here.</summary>
    Task RefreshTokenReusedAsync(RefreshTokenFamily family, RequestOrigin origin, CancellationToken cancellationToken);
}
