using Latchkey.AspNetCore.Events;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the application's <see cref="LatchkeyEvents"/>.</summary>
public static class LatchkeyBuilderEventsExtensions
{
    /// <summary>
    /// Sets the events Latchkey raises: <c>.ConfigureEvents(o =&gt; o.Events.OnSigningIn = context =&gt; …)</c>,
    /// <c>o.Events = new MyEvents()</c>, or <c>o.EventsType = typeof(MyEvents)</c> to have them resolved from
    /// the request's services (register <c>MyEvents</c> yourself).
    /// </summary>
    public static LatchkeyBuilder ConfigureEvents(this LatchkeyBuilder builder, Action<LatchkeyEventsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
