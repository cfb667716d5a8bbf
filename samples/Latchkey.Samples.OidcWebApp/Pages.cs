using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Samples.OidcWebApp;

/// <summary>The application's pages: plain HTML, every value encoded.</summary>
internal static class Pages
{
    public const string SignedOut = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>
        <body><h1 id="signed-out">You are signed out</h1><p><a href="/">Sign in again</a></p></body></html>
        """;

    public static IResult Html(string page) => Results.Content(page, "text/html; charset=utf-8");

    public static string Home(ClaimsPrincipal user, AntiforgeryTokenSet antiforgery)
    {
        var rows = new StringBuilder();
        foreach (var claim in user.Claims)
        {
            rows.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{E(claim.Type)}</th><td data-claim=\"{E(claim.Type)}\">{E(claim.Value)}</td></tr>");
        }

        return Layout("Signed in", $"""
            <h1>Signed in as <span id="user-email">{E(user.FindFirstValue(ClaimNames.Email) ?? "")}</span></h1>
            <p>Your claims, from the ID token and the userinfo endpoint:</p>
            <table id="claims"><tbody>{rows}</tbody></table>
            <p><a id="call-api" href="/call-api">Call the API with your access token</a></p>
            """, antiforgery);
    }

    public static string ApiAnswer(ClaimsPrincipal user, int? status, string body, AntiforgeryTokenSet antiforgery) =>
        Layout("API", $"""
            <h1>The API answered <span id="api-status">{(status is null ? "nothing" : status.Value.ToString(CultureInfo.InvariantCulture))}</span></h1>
            <p>Signed in as {E(user.FindFirstValue(ClaimNames.Email) ?? "")}.</p>
            <pre id="api-body">{E(body)}</pre>
            <p><a href="/">Back</a></p>
            """, antiforgery);

    private static string Layout(string title, string content, AntiforgeryTokenSet antiforgery) => $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{E(title)} · OIDC web app</title></head>
        <body>{content}
        <form method="post" action="/signout"><input type="hidden" name="{E(antiforgery.FormFieldName)}" value="{E(antiforgery.RequestToken ?? "")}"><button type="submit">Sign out</button></form>
        </body></html>
        """;

    private static string E(string value) => HtmlEncoder.Default.Encode(value);
}
