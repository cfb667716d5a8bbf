using System.Collections.Concurrent;

namespace Latchkey.Samples.HostedApp;

/// <summary>The application's own data: notes per user, in memory (a real application has its database).</summary>
public sealed class NoteBook
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Note>> _notes = new(StringComparer.Ordinal);

    /// <summary>The user's notes, oldest first.</summary>
    public IReadOnlyList<Note> Of(string userId) => _notes.TryGetValue(userId, out var notes) ? [.. notes] : [];

    /// <summary>Adds a note for the user.</summary>
    public Note Add(string userId, string text)
    {
        var note = new Note(Guid.NewGuid().ToString("N"), text);
        _notes.GetOrAdd(userId, static _ => new ConcurrentQueue<Note>()).Enqueue(note);
        return note;
    }
}
