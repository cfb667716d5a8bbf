using Latchkey.Accounts;
using Latchkey.Accounts.Recovery;
using Latchkey.Keys;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Sessions;
using Latchkey.Stores.Relational;

namespace Latchkey.Stores.Tests;

/// <summary>Every store of one backend, over one fresh database.</summary>
public sealed record StoreSet(
    RelationalDatabase Database,
    IAccountStore Accounts,
    ISessionStore Sessions,
    ISigningKeyStore Keys,
    IRefreshTokenStore RefreshTokens,
    IRevocationStore Revocations,
    IAccountTokenStore AccountTokens,
    Latchkey.Mfa.IMfaStore Mfa,
    Latchkey.Passkeys.IPasskeyStore Passkeys,
    Latchkey.Authorization.IAuthorizationCodeStore Codes,
    Latchkey.Authorization.IConsentStore Consents,
    Latchkey.Clients.IClientStore Clients) : IDisposable
{
    public void Dispose() => Database.Dispose();
}
