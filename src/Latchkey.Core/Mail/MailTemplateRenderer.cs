using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Latchkey.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.Mail;

/// <summary>
/// Renders a <see cref="MailTemplates"/> name into an <see cref="EmailMessage"/>. Each part (subject, text, HTML)
/// comes from <c>{DataDirectory}/templates/{name}.subject.txt|.txt|.html</c> when that file exists, else from the
/// built-in template; files are read at each render, so an edit applies without a restart.
/// </summary>
/// <remarks>
/// <c>{{name}}</c> placeholders take the caller's values (<c>email</c> defaults to the recipient); values are
/// HTML-encoded in the HTML part and the subject is folded onto one line. A placeholder without a value renders
/// empty and is logged once as a warning naming the template and placeholder (never a value).
/// </remarks>
public sealed partial class MailTemplateRenderer
{
    /// <summary>The folder of the data directory that holds an operator's templates.</summary>
    public const string FolderName = "templates";

    private readonly string _folder;
    private readonly ILogger<MailTemplateRenderer> _logger;
    private readonly ConcurrentDictionary<string, bool> _reportedMissing = new(StringComparer.Ordinal);

    /// <summary>Creates the renderer for the configured data directory.</summary>
    public MailTemplateRenderer(IOptions<LatchkeyOptions> options, ILogger<MailTemplateRenderer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _folder = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), FolderName);
        _logger = logger;
    }

    /// <summary>Renders <paramref name="templateName"/> for <paramref name="recipient"/> with <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The template name is not one of <see cref="MailTemplates.All"/>.</exception>
    public EmailMessage Render(string templateName, string recipient, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!MailTemplates.All.Contains(templateName))
        {
            throw new ArgumentException($"'{templateName}' is not a mail template; use one of MailTemplates.", nameof(templateName));
        }

        string? Lookup(string name) =>
            values.TryGetValue(name, out var value) ? value : name == "email" ? recipient : null;

        var subject = Substitute(templateName, Load(templateName, ".subject.txt"), Lookup, html: false);
        return new EmailMessage(
            recipient,
            string.Join(' ', subject.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            Substitute(templateName, Load(templateName, ".txt"), Lookup, html: false),
            Substitute(templateName, Load(templateName, ".html"), Lookup, html: true));
    }

    private string Substitute(string templateName, string template, Func<string, string?> lookup, bool html) =>
        Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            if (lookup(name) is { } value)
            {
                return html ? WebUtility.HtmlEncode(value) : value;
            }

            if (_reportedMissing.TryAdd(templateName + "/" + name, true))
            {
                Log.MailPlaceholderMissing(_logger, templateName, name);
            }

            return string.Empty;
        });

    private string Load(string templateName, string extension)
    {
        var file = Path.Combine(_folder, templateName + extension);
        if (File.Exists(file))
        {
            return File.ReadAllText(file, Encoding.UTF8);
        }

        using var stream = typeof(MailTemplateRenderer).Assembly.GetManifestResourceStream("Latchkey.Mail.Templates." + templateName + extension)
            ?? throw new InvalidOperationException($"The built-in template {templateName}{extension} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
