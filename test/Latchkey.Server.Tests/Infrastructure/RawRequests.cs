using System.Net;
using System.Net.Sockets;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Latchkey.Server.Tests.Infrastructure;

/// <summary>Hand-made requests: arbitrary bytes, any Content-Type, with or without Content-Length.</summary>
public static partial class RawRequests
{
    /// <summary>A POST of <paramref name="body"/> as it is; <paramref name="contentType"/> is sent unvalidated, or not at all when null.</summary>
    public static HttpRequestMessage Post(string path, byte[] body, string? contentType, bool chunked = false)
    {
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>
    /// UTF-8 bytes of <paramref name="text"/>, where each <c>&lt;0xHH&gt;</c> stands for the raw byte HH,
    /// so that tests can write invalid UTF-8.
    /// </summary>
    public static byte[] Bytes(string text)
    {
        var bytes = new List<byte>();
        var last = 0;
        foreach (Match match in RawByte().Matches(text))
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(text[last..match.Index]));
            bytes.Add(Convert.ToByte(match.Groups[1].Value, 16));
            last = match.Index + match.Length;
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(text[last..]));
        return [.. bytes];
    }

    /// <summary>A JSON credentials body padded with trailing spaces to exactly <paramref name="size"/> bytes.</summary>
    public static byte[] PaddedCredentials(string email, string password, int size)
    {
        var json = $$"""{"email":"{{email}}","password":"{{password}}"}""";
        return Encoding.UTF8.GetBytes(json.PadRight(size));
    }

    /// <summary>
    /// POSTs over a bare socket and reads the answer even when the server answers before the body is sent and closes
    /// (a 413 for an oversized body): HttpClient would report the broken write and lose the answer.
    /// </summary>
    public static async Task<(int Status, string Headers, string Body)> PostOverSocketAsync(Uri baseAddress, string path, byte[] body, string contentType, bool chunked)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST /{path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Type: {contentType}\r\n"
            + (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n") + "\r\n";
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            for (var offset = 0; offset < body.Length; offset += 4096)
            {
                var length = Math.Min(4096, body.Length - offset);
                if (chunked)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{length:X}\r\n"));
                }

                await stream.WriteAsync(body.AsMemory(offset, length));
                if (chunked)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
            }

            if (chunked)
            {
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            }
        }
        catch (IOException)
        {
            // The server stopped reading: its answer is already on the way.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
                if (Complete(answer.ToArray()))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // A reset after the answer arrived.
        }

        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new InvalidOperationException($"No complete HTTP answer: '{text}'.");
        }

        var headers = text[..split];
        var rest = text[(split + 4)..];
        var status = int.Parse(headers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, headers, headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(rest) : rest);
    }

    // Whether the bytes hold a whole answer: headers, and a body of its Content-Length or up to the last chunk.
    private static bool Complete(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var length = Regex.Match(text[..split], @"(?im)^Content-Length:\s*(\d+)");
        return length.Success
            ? Encoding.UTF8.GetByteCount(text[(split + 4)..]) >= int.Parse(length.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = int.Parse(chunked[position..end], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, end + 2, size);
            position = end + 2 + size + 2;
        }
    }

    [GeneratedRegex("<0x([0-9A-Fa-f]{2})>")]
    private static partial Regex RawByte();

    /// <summary>Content whose length is unknown up front, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            // Several chunks, so that the server cannot see the size in one read.
            for (var offset = 0; offset < body.Length; offset += 4096)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(4096, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
