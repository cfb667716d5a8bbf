namespace Latchkey.Throttling;

/// <summary>The answer to an attempt: admitted (and charged), or refused until <see cref="RetryAfter"/> has passed.</summary>
/// <param name="RetryAfter">How long to wait; zero when admitted.</param>
/// <param name="RefusedBy">Which counter refused the attempt; meaningless when admitted.</param>
/// <param name="IsContended">
/// Refused only because other attempts are still in flight: the settled failures alone owe no delay, so
/// the attempt may be admitted once those finish (successes give their charges back).
/// </param>
public readonly record struct ThrottleDecision(TimeSpan RetryAfter, ThrottleKeyKind RefusedBy, bool IsContended = false)
{
    /// <summary>The attempt may check its credentials.</summary>
    public static ThrottleDecision Admitted => default;

    /// <summary>Whether the attempt may check its credentials.</summary>
    public bool IsAdmitted => RetryAfter <= TimeSpan.Zero;
}

/// <summary>What a throttling counter is keyed by.</summary>
public enum ThrottleKeyKind
{
    /// <summary>An account, by normalized email (known or not).</summary>
    Account,

    /// <summary>A service client, by client id (known or not).</summary>
    Client,

    /// <summary>A client address (IPv4, or IPv6 /64).</summary>
    Address,

    /// <summary>A known device: a login that presented a valid device token for its account.</summary>
    Device,

    /// <summary>The sign-up rate of a client address.</summary>
    SignUp,

    /// <summary>The rate of emailed links (password reset, verification) to one account.</summary>
    LinkMail,

    /// <summary>Second-factor codes of one account, by account id.</summary>
    SecondFactor,
}

/// <summary>How an admitted attempt ended.</summary>
public enum AttemptOutcome
{
    /// <summary>Wrong credentials (or an account name that is taken, for sign-up): the charge stays, as a settled failure.</summary>
    Failed,

    /// <summary>Right credentials: the subject's counter is cleared and the address's charge given back.</summary>
    Succeeded,

    /// <summary>The credentials were never judged (the request failed first): both charges are given back.</summary>
    Abandoned,
}
