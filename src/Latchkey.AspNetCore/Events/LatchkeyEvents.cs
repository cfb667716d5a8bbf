namespace Latchkey.AspNetCore.Events;

/// <summary>
/// Hooks into sign-in, session and token authentication, as ASP.NET Core's authentication events do: set
/// a delegate (<c>OnSigningIn = context =&gt; …</c>) or derive and override the virtual method, then
/// register through <c>AddLatchkey(…).ConfigureEvents(…)</c> (an instance, or a type resolved per request).
/// </summary>
public class LatchkeyEvents
{
    private static readonly Func<LatchkeySigningInContext, Task> NoSigningIn = static _ => Task.CompletedTask;
    private static readonly Func<LatchkeySessionValidatedContext, Task> NoSessionValidated = static _ => Task.CompletedTask;
    private static readonly Func<LatchkeyRefreshTokenReusedContext, Task> NoRefreshTokenReused = static _ => Task.CompletedTask;
    private static readonly Func<LatchkeyTokenValidatedContext, Task> NoTokenValidated = static _ => Task.CompletedTask;

    /// <summary>
    /// Runs after a password has been checked and before a session (<c>POST /api/session</c>) or a token pair
    /// (the password grant) is created; <see cref="LatchkeySigningInContext.Deny"/> refuses the sign-in and nothing is created.
    /// </summary>
    public Func<LatchkeySigningInContext, Task> OnSigningIn { get; set; } = NoSigningIn;

    /// <summary>
    /// Runs each time a session cookie authenticates a request; may add claims to the principal, which the
    /// application's endpoints then see, or <see cref="LatchkeySessionValidatedContext.Reject"/> the request (401).
    /// </summary>
    public Func<LatchkeySessionValidatedContext, Task> OnSessionValidated { get; set; } = NoSessionValidated;

    /// <summary>
    /// A notification after a spent refresh token was presented again and its whole family was revoked
    /// (RFC 9700 §4.14.2); the refresh is refused whatever the handler does.
    /// </summary>
    public Func<LatchkeyRefreshTokenReusedContext, Task> OnRefreshTokenReused { get; set; } = NoRefreshTokenReused;

    /// <summary>
    /// Runs each time a bearer access token has been validated; may add claims or
    /// <see cref="LatchkeyTokenValidatedContext.Reject"/> the request (401 <c>invalid_token</c>).
    /// </summary>
    public Func<LatchkeyTokenValidatedContext, Task> OnTokenValidated { get; set; } = NoTokenValidated;

    /// <summary>Invoked before a session or token pair is created at sign-in.</summary>
    public virtual Task SigningIn(LatchkeySigningInContext context) => OnSigningIn(context);

    /// <summary>Invoked when a session cookie has authenticated a request.</summary>
    public virtual Task SessionValidated(LatchkeySessionValidatedContext context) => OnSessionValidated(context);

    /// <summary>Invoked after a reused refresh token's family was revoked.</summary>
    public virtual Task RefreshTokenReused(LatchkeyRefreshTokenReusedContext context) => OnRefreshTokenReused(context);

    /// <summary>Invoked when a bearer token has been validated.</summary>
    public virtual Task TokenValidated(LatchkeyTokenValidatedContext context) => OnTokenValidated(context);

    // Whether a hook can do anything, so that the request path builds no context for the default events.
    internal bool Handles(LatchkeyEventKind kind) => GetType() != typeof(LatchkeyEvents) || kind switch
    {
        LatchkeyEventKind.SigningIn => OnSigningIn != NoSigningIn,
        LatchkeyEventKind.SessionValidated => OnSessionValidated != NoSessionValidated,
        LatchkeyEventKind.RefreshTokenReused => OnRefreshTokenReused != NoRefreshTokenReused,
        _ => OnTokenValidated != NoTokenValidated,
    };
}
