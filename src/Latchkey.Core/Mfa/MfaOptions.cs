namespace Latchkey.Mfa;

/// <summary>Multi-factor authentication, bound from <c>Latchkey:Mfa</c>.</summary>
public sealed class MfaOptions
{
    /// <summary>The configuration section under <c>Latchkey</c>.</summary>
    public const string SectionName = "Mfa";

    /// <summary>Whether accounts may, or must, have a second factor.</summary>
    /// <value>The default value is <see cref="MfaRequirement.Optional"/>.</value>
    public MfaRequirement Required { get; set; } = MfaRequirement.Optional;

    /// <summary>How long the challenge that a password sign-in of an account with a second factor answers stays usable.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The issuer an authenticator app shows next to the account (the <c>otpauth://</c> URI's label and issuer).</summary>
    /// <value>The default value is <c>Latchkey</c>.</value>
    public string TotpIssuer { get; set; } = "Latchkey";
}

/// <summary>The second-factor policy.</summary>
public enum MfaRequirement
{
    /// <summary>No second factors: enrolment is refused, and sign-in asks for none.</summary>
    Off,

    /// <summary>Accounts may enrol a second factor; those that have one are asked for it at every sign-in.</summary>
    Optional,

    /// <summary>
    /// Every account must have one: a password sign-in of an account without one gets a challenge that only lets it
    /// enrol an authenticator, and the session begins once the first code confirms it.
    /// </summary>
    Required,
}
