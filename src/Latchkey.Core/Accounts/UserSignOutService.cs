using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Security;
using Latchkey.Sessions;

namespace Latchkey.Accounts;

/// <summary>
/// Ends everything an account is signed in with: its sessions (but one, when asked), its refresh-token
/// families, and every access token issued before now. Used by "log out everywhere" and password change.
/// </summary>
public sealed class UserSignOutService
{
    private readonly SessionManager _sessions;
    private readonly RefreshTokenService _refreshTokens;
    private readonly RevocationService _revocation;

    /// <summary>Creates the service.</summary>
    public UserSignOutService(SessionManager sessions, RefreshTokenService refreshTokens, RevocationService revocation)
    {
        _sessions = sessions;
        _refreshTokens = refreshTokens;
        _revocation = revocation;
    }

    /// <summary>Signs the account out everywhere, keeping <paramref name="keep"/> when given.</summary>
    public async Task SignOutEverywhereAsync(string userId, Session? keep, RequestOrigin origin, CancellationToken cancellationToken)
    {
        // Access tokens first: from the moment this returns, none issued before it is accepted.
        await _revocation.RevokeAllForUserAsync(userId, origin, cancellationToken).ConfigureAwait(false);
        await _refreshTokens.RevokeAllForUserAsync(userId, origin, cancellationToken).ConfigureAwait(false);
        await _sessions.EndAllForUserAsync(userId, keep, origin, cancellationToken).ConfigureAwait(false);
    }
}
