using System.Diagnostics;

namespace Latchkey.Diagnostics;

/// <summary>
/// The tags of one store operation (<c>latchkey.store</c>, <c>latchkey.store.operation</c>) and the name of its span,
/// made once per call site (<see cref="LatchkeyTelemetry.StoreOperation"/>) so that a store call allocates none.
/// </summary>
public sealed class StoreOperationTags
{
    internal StoreOperationTags(string store, string operation)
    {
        Store = store;
        Operation = operation;
        SpanName = "latchkey.store " + operation;
        Tags = [new("latchkey.store", store), new("latchkey.store.operation", operation)];
    }

    /// <summary>The store: <c>sqlite</c>, <c>postgresql</c>, <c>redis</c>.</summary>
    public string Store { get; }

    /// <summary>The operation, such as <c>session.find</c>.</summary>
    public string Operation { get; }

    /// <summary>The span's name: <c>latchkey.store session.find</c>.</summary>
    public string SpanName { get; }

    internal KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>Starts the operation's span, or returns null while nobody listens.</summary>
    public Activity? StartSpan()
    {
        var activity = LatchkeyTelemetry.ActivitySource.StartActivity(SpanName, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("latchkey.store", Store);
            activity.SetTag("latchkey.store.operation", Operation);
        }

        return activity;
    }
}
