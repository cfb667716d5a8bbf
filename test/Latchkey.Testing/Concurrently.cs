namespace Latchkey.Testing;

/// <summary>Runs many requests so that they overlap on the server.</summary>
public static class Concurrently
{
    /// <summary>Starts all <paramref name="count"/> calls before awaiting any; returns their results in order.</summary>
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            return await call(i);
        }).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
