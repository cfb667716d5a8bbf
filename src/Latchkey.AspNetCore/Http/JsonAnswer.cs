using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Latchkey.AspNetCore.Http;

/// <summary>
/// A small JSON answer written in one piece: serialized first, then written with its <c>Content-Length</c>
/// and flushed once. <see cref="JsonHttpResult{TValue}"/> starts the response and streams a chunked body,
/// which always completes asynchronously; with this answer an endpoint whose work is synchronous (a cached
/// session, a cached token) completes the whole request synchronously, so no middleware before it resumes.
/// For the hot answers of Latchkey's API (<c>/healthz</c>, <c>/readyz</c>, <c>/api/me</c>), a few hundred bytes.
/// </summary>
internal sealed class JsonAnswer<TValue> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private readonly JsonTypeInfo<TValue> _typeInfo;

    public JsonAnswer(TValue value, JsonTypeInfo<TValue> typeInfo, int statusCode = StatusCodes.Status200OK)
    {
        Value = value;
        _typeInfo = typeInfo;
        StatusCode = statusCode;
    }

    public TValue Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var body = JsonSerializer.SerializeToUtf8Bytes(Value, _typeInfo);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);

        // Kestrel's flush of a small body completes at once, keeping the request synchronous; a body feature that
        // a host's middleware put in front (compression, caching) gets its data now rather than at completion.
        var flushed = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flushed.IsCompletedSuccessfully ? Task.CompletedTask : flushed.AsTask();
    }
}
