namespace Latchkey.Logout;

/// <summary>Posts a logout token to a client's back-channel logout URI (the host provides it: the ASP.NET Core integration uses HttpClient).</summary>
public interface IBackChannelLogoutSender
{
    /// <summary>POSTs <c>logout_token</c> as a form to <paramref name="uri"/>.</summary>
    /// <returns><see langword="true"/> when the client answered 2xx; any other answer, a timeout or a network failure is <see langword="false"/> or throws.</returns>
    Task<bool> SendAsync(Uri uri, string logoutToken, CancellationToken cancellationToken);
}
