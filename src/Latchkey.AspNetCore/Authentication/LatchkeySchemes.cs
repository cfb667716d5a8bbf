namespace Latchkey.AspNetCore.Authentication;

/// <summary>Which Latchkey schemes are registered; read by the default scheme's forward selector.</summary>
public sealed class LatchkeySchemes
{
    /// <summary>Whether a bearer scheme is registered under <see cref="LatchkeyDefaults.BearerScheme"/>.</summary>
    public bool BearerEnabled { get; set; }
}
