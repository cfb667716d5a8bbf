namespace Latchkey.AspNetCore.Events;

/// <summary>The hooks of <see cref="LatchkeyEvents"/>.</summary>
internal enum LatchkeyEventKind
{
    SigningIn,
    SessionValidated,
    RefreshTokenReused,
    TokenValidated,
}
