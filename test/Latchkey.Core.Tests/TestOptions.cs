using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

/// <summary>An <see cref="IOptionsMonitor{T}"/> over a fixed value.</summary>
internal sealed class TestOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
