using Latchkey.RefreshTokens;
using Latchkey.Security;

namespace Latchkey.AspNetCore.Events;

/// <summary>The context of <see cref="LatchkeyEvents.OnRefreshTokenReused"/>, a notification.</summary>
public sealed class LatchkeyRefreshTokenReusedContext
{
    /// <summary>Creates the context.</summary>
    public LatchkeyRefreshTokenReusedContext(IServiceProvider services, RefreshTokenFamily family, RequestOrigin origin)
    {
        Services = services;
        Family = family;
        Origin = origin;
    }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The family that was revoked: its account (<see cref="RefreshTokenFamily.UserId"/>) and client.</summary>
    public RefreshTokenFamily Family { get; }

    /// <summary>The address and user agent the spent token was presented from.</summary>
    public RequestOrigin Origin { get; }
}
