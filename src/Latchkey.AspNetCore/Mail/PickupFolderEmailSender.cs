using Latchkey.Mail;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore.Mail;

/// <summary>
/// With no SMTP server configured, writes each message as <c>{DataDirectory}/mail/&lt;id&gt;.eml</c>, readable by
/// any mail client, so that the embedded default works with one command. A file appears whole (written under a
/// temporary name, then renamed) and only its owner may read it, since messages carry one-time links.
/// </summary>
internal sealed class PickupFolderEmailSender(IOptions<LatchkeyOptions> options, MimeMessageFactory factory) : IEmailSender
{
    /// <summary>The folder of the data directory that receives the messages.</summary>
    public const string FolderName = "mail";

    public string Folder { get; } = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), FolderName);

    public async Task SendAsync(string messageId, EmailMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, messageId + ".eml");
        var temporary = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, fileOptions))
        {
            await factory.Create(messageId, message).WriteToAsync(stream, cancellationToken);
        }

        // A retry of a message whose file was written already replaces it: one file per message.
        File.Move(temporary, path, overwrite: true);
    }
}
