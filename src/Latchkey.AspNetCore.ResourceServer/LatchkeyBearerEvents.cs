namespace Latchkey.AspNetCore.ResourceServer;

/// <summary>
/// Hooks into <see cref="LatchkeyBearerHandler"/>, as <c>JwtBearerEvents</c> does for JWT bearer: set a
/// delegate, or derive and override a method. Set an instance on <see cref="LatchkeyBearerOptions.Events"/>,
/// or register a derived type in DI and name it in <c>EventsType</c> to resolve it per request.
/// </summary>
public class LatchkeyBearerEvents
{
    /// <summary>
    /// Runs after a token validated and before the request is authenticated: add claims to
    /// <c>context.Principal</c>, or refuse the token with
    /// <see cref="Microsoft.AspNetCore.Authentication.ResultContext{TOptions}.Fail(string)"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (nothing runs).</value>
    public Func<LatchkeyTokenValidatedContext, Task>? OnTokenValidated { get; set; }

    /// <summary>
    /// Runs when the scheme challenges, after the status (401) and <c>WWW-Authenticate</c> are set: write a
    /// body, for example.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (an empty 401).</value>
    public Func<LatchkeyBearerChallengeContext, Task>? OnChallenge { get; set; }

    /// <summary>Runs when the scheme forbids, after the status (403) is set: write a body, for example.</summary>
    /// <value>The default value is <see langword="null"/> (an empty 403).</value>
    public Func<LatchkeyBearerForbiddenContext, Task>? OnForbidden { get; set; }

    /// <summary>Invokes <see cref="OnTokenValidated"/>.</summary>
    /// <param name="context">The validated token and the principal made from it.</param>
    public virtual Task TokenValidated(LatchkeyTokenValidatedContext context) => OnTokenValidated?.Invoke(context) ?? Task.CompletedTask;

    /// <summary>Invokes <see cref="OnChallenge"/>.</summary>
    /// <param name="context">The challenge.</param>
    public virtual Task Challenge(LatchkeyBearerChallengeContext context) => OnChallenge?.Invoke(context) ?? Task.CompletedTask;

    /// <summary>Invokes <see cref="OnForbidden"/>.</summary>
    /// <param name="context">The forbidden answer.</param>
    public virtual Task Forbidden(LatchkeyBearerForbiddenContext context) => OnForbidden?.Invoke(context) ?? Task.CompletedTask;
}
