using Latchkey.Hosting;

namespace Latchkey.Logout;

/// <summary>Wakes this node's back-channel logout delivery when a notice is queued, so that it need not wait for its next poll.</summary>
public sealed class BackChannelLogoutSignal : WakeUpSignal;
