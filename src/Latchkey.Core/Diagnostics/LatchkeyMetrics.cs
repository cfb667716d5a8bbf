using System.Diagnostics;
using System.Diagnostics.Metrics;
using Latchkey.Accounts;
using Latchkey.RefreshTokens;
using Latchkey.Revocation;
using Latchkey.Throttling;
using Latchkey.Tokens;

namespace Latchkey.Diagnostics;

/// <summary>
/// Latchkey's instruments on the meter <see cref="LatchkeyTelemetry.MeterName"/>, one per service provider (made
/// through its <see cref="IMeterFactory"/>). docs/observability.md lists each with its unit, tags and meaning.
/// </summary>
/// <remarks>
/// Every tag set is made once, here, and handed to the instruments as a cached array: recording allocates nothing
/// and takes no lock. Without a listener an instrument's <c>Add</c> or <c>Record</c> returns at once.
/// </remarks>
public sealed class LatchkeyMetrics : IDisposable
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _logins;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _reuseDetections;
    private readonly Counter<long> _revocationsPublished;
    private readonly Counter<long> _revocationsReceived;
    private readonly Histogram<double> _revocationPublishDuration;
    private readonly Histogram<double> _revocationPropagation;
    private readonly Counter<long> _throttleRefusals;
    private readonly UpDownCounter<long> _hashingQueued;
    private readonly Counter<long> _hashingRejections;
    private readonly Counter<long> _tokenValidations;
    private readonly Histogram<double> _storeDuration;

    private static readonly KeyValuePair<string, object?>[][] LoginTags = EnumTags<SignInStatus>("latchkey.login.result");
    private static readonly KeyValuePair<string, object?>[][] RefreshTags = EnumTags<RotationStatus>("latchkey.refresh.result");
    private static readonly KeyValuePair<string, object?>[][] RevocationTags = EnumTags<RevocationKind>("latchkey.revocation.kind");
    private static readonly KeyValuePair<string, object?>[][] ThrottleTags = EnumTags<ThrottleKeyKind>("latchkey.throttle.counter");
    private static readonly KeyValuePair<string, object?>[][] ValidationHitTags = EnumTags<TokenValidationError>("latchkey.token.validation.result", "valid", new("latchkey.token.cache", "hit"));
    private static readonly KeyValuePair<string, object?>[][] ValidationMissTags = EnumTags<TokenValidationError>("latchkey.token.validation.result", "valid", new("latchkey.token.cache", "miss"));
    private static readonly KeyValuePair<string, object?>[] QueueFullTags = [new("latchkey.rejection.reason", "queue_full")];
    private static readonly KeyValuePair<string, object?>[] QueueTimeoutTags = [new("latchkey.rejection.reason", "timeout")];

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of their own without one.</summary>
    public LatchkeyMetrics(IMeterFactory? meterFactory)
    {
        var options = new MeterOptions(LatchkeyTelemetry.MeterName) { Version = LatchkeyTelemetry.Version };
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(options) ?? new Meter(options);

        _logins = _meter.CreateCounter<long>("latchkey.logins", "{login}", "Password sign-ins (session login and password grant), by result.");
        _activeSessions = _meter.CreateUpDownCounter<long>(
            "latchkey.sessions.active", "{session}", "Sessions this process started minus the sessions it ended, since it started.");
        _refreshes = _meter.CreateCounter<long>("latchkey.refreshes", "{refresh}", "Refresh-token redemptions, by result.");
        _reuseDetections = _meter.CreateCounter<long>(
            "latchkey.refresh_token.reuse_detections", "{detection}", "Spent refresh tokens presented again; each revoked its family.");
        _revocationsPublished = _meter.CreateCounter<long>("latchkey.revocations.published", "{revocation}", "Revocations this node made and broadcast, by kind.");
        _revocationsReceived = _meter.CreateCounter<long>("latchkey.revocations.received", "{revocation}", "Revocations received from the broadcast, by kind.");
        _revocationPublishDuration = _meter.CreateHistogram<double>(
            "latchkey.revocations.publish.duration", "s", "How long handing a revocation to the broadcast took.", advice: new() { HistogramBucketBoundaries = LatencyBuckets });
        _revocationPropagation = _meter.CreateHistogram<double>(
            "latchkey.revocations.propagation.delay", "s",
            "From handing a revocation to the broadcast to hearing it back from the broadcast: the bus's delay to every node.",
            advice: new() { HistogramBucketBoundaries = LatencyBuckets });
        _throttleRefusals = _meter.CreateCounter<long>("latchkey.throttle.refusals", "{attempt}", "Attempts the throttle refused, by the counter that refused them.");
        _hashingQueued = _meter.CreateUpDownCounter<long>("latchkey.password_hashing.queued", "{request}", "Requests waiting for a password-hashing slot.");
        _hashingRejections = _meter.CreateCounter<long>(
            "latchkey.password_hashing.rejections", "{request}", "Requests refused server_busy by the password-hashing gate, by reason.");
        _tokenValidations = _meter.CreateCounter<long>(
            "latchkey.token.validations", "{validation}", "Bearer access-token validations, by result and whether the validated-token cache answered.");
        _storeDuration = _meter.CreateHistogram<double>(
            "latchkey.store.duration", "s", "Duration of store calls, by store and operation.", advice: new() { HistogramBucketBoundaries = LatencyBuckets });
    }

    /// <summary>The meter the instruments are on.</summary>
    public Meter Meter => _meter;

    /// <summary>The value of <c>latchkey.login.result</c> for <paramref name="status"/>, for a span's tag.</summary>
    public static string SignInResultName(SignInStatus status) => (string)LoginTags[(int)status][0].Value!;

    /// <summary>The value of <c>latchkey.refresh.result</c> for <paramref name="status"/>, for a span's tag.</summary>
    public static string RefreshResultName(RotationStatus status) => (string)RefreshTags[(int)status][0].Value!;

    /// <summary>Records the outcome of a password sign-in.</summary>
    public void SignIn(SignInStatus status) => _logins.Add(1, LoginTags[(int)status]);

    /// <summary>Records a session started by this process.</summary>
    public void SessionStarted() => _activeSessions.Add(1);

    /// <summary>Records <paramref name="count"/> sessions ended by this process.</summary>
    public void SessionsEnded(int count)
    {
        if (count > 0)
        {
            _activeSessions.Add(-count);
        }
    }

    /// <summary>Records a refresh-token redemption; a reuse is also counted as a detection.</summary>
    public void Refreshed(RotationStatus status)
    {
        _refreshes.Add(1, RefreshTags[(int)status]);
        if (status == RotationStatus.Reused)
        {
            _reuseDetections.Add(1);
        }
    }

    /// <summary>Records a revocation published, and how long the broadcast took from <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RevocationPublished(RevocationKind kind, long startedAt)
    {
        var tags = RevocationTags[(int)kind];
        _revocationsPublished.Add(1, tags);
        if (_revocationPublishDuration.Enabled)
        {
            _revocationPublishDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags);
        }
    }

    /// <summary>Whether the propagation delay is being listened to (so that the publisher need not note the time otherwise).</summary>
    public bool MeasuresPropagation => _revocationPropagation.Enabled;

    /// <summary>Records the time from publishing a revocation (<paramref name="publishedAt"/>, a <see cref="Stopwatch"/> timestamp) to hearing it back.</summary>
    public void RevocationPropagated(RevocationKind kind, long publishedAt) =>
        _revocationPropagation.Record(Stopwatch.GetElapsedTime(publishedAt).TotalSeconds, RevocationTags[(int)kind]);

    /// <summary>Records a revocation received from the broadcast.</summary>
    public void RevocationReceived(RevocationKind kind) => _revocationsReceived.Add(1, RevocationTags[(int)kind]);

    /// <summary>Records an attempt refused by the throttle.</summary>
    public void ThrottleRefused(ThrottleKeyKind refusedBy) => _throttleRefusals.Add(1, ThrottleTags[(int)refusedBy]);

    /// <summary>Records a request joining (+1) or leaving (-1) the password-hashing queue.</summary>
    public void HashingQueueChanged(int delta) => _hashingQueued.Add(delta);

    /// <summary>Records a request the password-hashing gate refused: the queue was full, or no slot came free in time.</summary>
    public void HashingRejected(bool queueFull) => _hashingRejections.Add(1, queueFull ? QueueFullTags : QueueTimeoutTags);

    /// <summary>Records a bearer-token validation.</summary>
    public void TokenValidated(TokenValidationError result, bool fromCache) =>
        _tokenValidations.Add(1, (fromCache ? ValidationHitTags : ValidationMissTags)[(int)result]);

    /// <summary>Whether anyone listens to store durations; when not, a store need not read the clock.</summary>
    public bool IsStoreDurationEnabled => _storeDuration.Enabled;

    /// <summary>Records a store call that began at <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    /// <param name="startedAt">When the call began.</param>
    /// <param name="tags">The call's tags, from <see cref="StoreOperationTags"/>.</param>
    public void StoreCallEnded(long startedAt, StoreOperationTags tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        _storeDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tags.Tags);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // A meter from the factory is disposed with the factory.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    // One tag set per value of the enum, indexed by the value; names in snake case (InvalidCredentials: invalid_credentials).
    private static KeyValuePair<string, object?>[][] EnumTags<TEnum>(string key, string? zeroName = null, KeyValuePair<string, object?>? extra = null)
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
        }

        var tags = new KeyValuePair<string, object?>[max + 1][];
        for (var i = 0; i <= max; i++)
        {
            var value = (TEnum)Enum.ToObject(typeof(TEnum), i);
            var name = i == 0 && zeroName is not null ? zeroName
                : Enum.IsDefined(value) ? LatchkeyTelemetry.SnakeCase(value.ToString())
                : "unknown";
            tags[i] = extra is { } e ? [new(key, name), e] : [new(key, name)];
        }

        return tags;
    }
}
