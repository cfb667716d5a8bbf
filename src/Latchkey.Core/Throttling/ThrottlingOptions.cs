namespace Latchkey.Throttling;

/// <summary>
/// Progressive delay after failed credential checks: login, password grant, password change, sign-up
/// for a taken address, client authentication (configuration section <c>Latchkey:Throttling</c>). There
/// is no hard lockout, which an attacker could use to lock real users out: after the free failures each
/// further failure doubles the wait, up to <see cref="MaxDelay"/>. An attempt counts as a failure from
/// the moment it is let through until it succeeds, so parallel attempts cannot pass together; an
/// attempt held back only by attempts still in flight waits up to <see cref="ContendedWait"/> for them.
/// A login that presents a device token for its account (OWASP's device cookie) is judged and charged by
/// that device's own counter only (<see cref="FreeFailuresPerDevice"/>), so failures that others drove up
/// on the account or the shared address never hold a known device back. Sign-up is limited per address
/// by rate (<see cref="SignUpsPerAddress"/> per <see cref="SignUpWindow"/>), apart from login failures.
/// </summary>
public sealed class ThrottlingOptions
{
    /// <summary>Failed attempts per account (or per service client) before delays start.</summary>
    /// <value>The default value is 5.</value>
    public int FreeFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed attempts per client address (IPv6: per /64) before delays start.</summary>
    /// <value>The default value is 20.</value>
    public int FreeFailuresPerAddress { get; set; } = 20;

    /// <summary>The first delay; each further failure doubles it.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A counter is forgotten this long after its last failure.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long an attempt refused only because other attempts on its counters are still in flight waits
    /// for them to finish before it is answered 429. Right credentials finish and give their charges
    /// back, so a busy client's parallel requests get through; wrong ones stay as failures, and the
    /// waiting attempt is then refused with the real delay. Zero answers 429 at once.
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan ContendedWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most counters kept in memory; bounds memory under a flood of distinct names.</summary>
    /// <value>The default value is 100000.</value>
    public int MaxTrackedKeys { get; set; } = 100_000;

    /// <summary>Failed attempts per known device (a login presenting a valid device token) before delays start.</summary>
    /// <value>The default value is 5.</value>
    public int FreeFailuresPerDevice { get; set; } = 5;

    /// <summary>How long a device token issued at login stays valid; every successful login renews it.</summary>
    /// <value>The default value is 90 days.</value>
    public TimeSpan DeviceTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Sign-ups (created or refused as taken) allowed per client address (IPv6: per /64) in each <see cref="SignUpWindow"/>.</summary>
    /// <value>The default value is 20.</value>
    public int SignUpsPerAddress { get; set; } = 20;

    /// <summary>The fixed window over which <see cref="SignUpsPerAddress"/> counts, from the first sign-up in it.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan SignUpWindow { get; set; } = TimeSpan.FromHours(1);
}
