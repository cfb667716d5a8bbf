using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Latchkey.Testing;

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1 in the test process, without TLS or authentication,
/// that keeps every message it accepts. It can be stopped (connections refused, as a mail server that is down)
/// and started again on the same port. Point Latchkey at it with <see cref="Settings"/>.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly List<ReceivedMail> _messages = [];
    private readonly SemaphoreSlim _received = new(0);
    private SmtpServer.SmtpServer? _server;
    private Task? _running;
    private CancellationTokenSource? _stop;

    private TestSmtpServer(int port) => Port = port;

    /// <summary>The TCP port on 127.0.0.1; the same across stops and starts.</summary>
    public int Port { get; }

    /// <summary>Whether the server accepts connections now.</summary>
    public bool IsRunning => _server is not null;

    /// <summary>The settings that send a Latchkey server's mail here (<c>Latchkey:Smtp:*</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Latchkey:Smtp:Host"] = "127.0.0.1",
        ["Latchkey:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Latchkey:Smtp:Security"] = "None",
        ["Latchkey:Smtp:From"] = "Latchkey <latchkey@example.test>",
        ["Latchkey:Smtp:Timeout"] = "00:00:05",
    };

    /// <summary>The same settings as command-line switches, for a <see cref="ServerProcess"/>.</summary>
    public string[] Arguments => [.. Settings.Select(s => $"--{s.Key}={s.Value}")];

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Starts a server on a free port.</summary>
    public static async Task<TestSmtpServer> StartAsync()
    {
        var server = new TestSmtpServer(ExternalProcess.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts listening again (on the same port) after <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        if (_server is not null)
        {
            return;
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _stop = new CancellationTokenSource();
        _running = _server.StartAsync(_stop.Token);

        // Until the listener is bound, a client would see "connection refused".
        for (var i = 0; i < 100 && !await CanConnectAsync(); i++)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>Stops listening: from now on connections are refused.</summary>
    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server.Shutdown();
        await _stop!.CancelAsync();
        try
        {
            await _running!;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _server = null;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived; throws after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (Messages.Count < count)
        {
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Expected {count} messages at the SMTP server, got {Messages.Count}.");
            }

            await _received.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }

        return Messages;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _received.Dispose();
    }

    private async Task<bool> CanConnectAsync()
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private void Add(ReceivedMail mail)
    {
        lock (_messages)
        {
            _messages.Add(mail);
        }

        _received.Release();
    }

    private sealed class Store(TestSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeKit.MimeMessage.LoadAsync(stream, cancellationToken);
            owner.Add(new ReceivedMail(
                [.. transaction.To.Select(m => $"{m.User}@{m.Host}")],
                message.Subject ?? string.Empty,
                message.TextBody,
                message.HtmlBody,
                message.MessageId));
            return SmtpResponse.Ok;
        }
    }
}
