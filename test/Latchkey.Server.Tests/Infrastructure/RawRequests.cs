using System.Net;
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
