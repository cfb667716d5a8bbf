using Latchkey.Accounts;
using Latchkey.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Mail;

/// <summary>
/// Renders a message, encrypts it and writes it to the <see cref="IMailOutboxStore"/>, then wakes this node's
/// delivery service. It never talks to a mail server, so a slow or unreachable one costs the caller nothing.
/// </summary>
public sealed class MailOutbox : IMailOutbox
{
    /// <summary>The wait advised to a client whose request found the outbox full.</summary>
    public static readonly TimeSpan FullRetryAfter = TimeSpan.FromSeconds(30);

    private readonly IMailOutboxStore _store;
    private readonly MailTemplateRenderer _renderer;
    private readonly MailProtector _protector;
    private readonly MailOutboxSignal _signal;
    private readonly TimeProvider _time;
    private readonly MailOptions _options;
    private readonly ILogger<MailOutbox> _logger;

    /// <summary>Creates the outbox.</summary>
    public MailOutbox(
        IMailOutboxStore store,
        MailTemplateRenderer renderer,
        MailProtector protector,
        MailOutboxSignal signal,
        TimeProvider time,
        IOptions<MailOptions> options,
        ILogger<MailOutbox> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _renderer = renderer;
        _protector = protector;
        _signal = signal;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The template name is unknown, or the recipient is not a single well-formed address.</exception>
    /// <exception cref="ServerBusyException">The outbox holds <see cref="MailOptions.MaxPending"/> messages already.</exception>
    public async Task EnqueueAsync(string templateName, string recipient, IReadOnlyDictionary<string, string> values, string? accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(templateName);
        ArgumentNullException.ThrowIfNull(values);

        // The recipient becomes a header: one well-formed address, nothing a header could be smuggled in with.
        if (EmailAddress.Validate(recipient, out var address) is { } error)
        {
            throw new ArgumentException($"The recipient is not a valid address: {error}", nameof(recipient));
        }

        var message = _renderer.Render(templateName, address, values);
        var now = _time.GetUtcNow();
        var id = Guid.CreateVersion7(now).ToString("N");
        var entry = new OutboxEntry(id, accountId, _protector.Protect(id, message), now, 0, now, DateTimeOffset.UnixEpoch);
        if (!await _store.TryEnqueueAsync(entry, _options.MaxPending, cancellationToken).ConfigureAwait(false))
        {
            Log.MailOutboxFull(_logger, _options.MaxPending);
            throw new ServerBusyException("The mail outbox is full; try again later.", FullRetryAfter);
        }

        Log.MailQueued(_logger, id, templateName);
        _signal.Notify();
    }
}
