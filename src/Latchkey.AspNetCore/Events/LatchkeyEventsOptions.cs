namespace Latchkey.AspNetCore.Events;

/// <summary>Which <see cref="LatchkeyEvents"/> Latchkey raises; set through <c>AddLatchkey(…).ConfigureEvents(…)</c>.</summary>
public sealed class LatchkeyEventsOptions
{
    /// <summary>The events instance, used when <see cref="EventsType"/> is not set.</summary>
    /// <value>The default value raises nothing.</value>
    public LatchkeyEvents Events { get; set; } = new();

    /// <summary>
    /// A type derived from <see cref="LatchkeyEvents"/>, resolved from the request's services each time an
    /// event is raised (so it may be scoped and take dependencies); register it in the services yourself.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Events"/> is used.</value>
    public Type? EventsType { get; set; }
}
