using System.Text;
using Microsoft.AspNetCore.Http;

namespace Latchkey.Fuzzing;

/// <summary>
/// Reads a fuzz input as an HTTP request the way it reaches our code after Kestrel: <c>Name: value</c>
/// header lines up to the first empty line, then the body. Seeds stay readable and the fuzzer mutates
/// headers and body alike.
/// </summary>
public static class FuzzRequest
{
    /// <summary>A request context with the input's headers and body and the given method.</summary>
    public static DefaultHttpContext Create(ReadOnlySpan<byte> input, string method)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1:5080");
        request.Path = "/";

        var rest = input;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                break;
            }

            AddHeader(request, line);
        }

        var body = rest.ToArray();
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static void AddHeader(HttpRequest request, ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return;
        }

        var name = Encoding.ASCII.GetString(line[..colon]).Trim();
        var value = Encoding.UTF8.GetString(line[(colon + 1)..]).Trim(' ', '\t');

        // Kestrel refuses header names outside the token characters and values with control characters.
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 0x7F || c is ':' or '(' or ')' or ',' or '/' or ';' or '<' or '>' or '=' or '?' or '@' or '[' or '\\' or ']' or '{' or '}' or '"')
            || value.Any(c => char.IsControl(c) && c != '\t'))
        {
            return;
        }

        // A repeated header arrives as several values, as Kestrel delivers it.
        request.Headers.Append(name, value);
    }
}
